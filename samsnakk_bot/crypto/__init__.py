"""Our own use of cryptography: the field cipher, key derivation and every label that binds a
ciphertext or derived key to its purpose. No I/O; importable from every floor but the domain."""
