"""Key derivation, encryption labels and the field cipher: a floor below services, store and
bridge alike, importing nothing of ours."""
