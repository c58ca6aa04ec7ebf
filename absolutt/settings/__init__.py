"""Settings package: base (shared), local (development default), test, production."""
