"""Local servers that speak the documented APIs of outside services we cannot reach in tests."""
