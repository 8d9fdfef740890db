"""Key derivation and encryption labels: a floor below services, store and bridge alike."""
