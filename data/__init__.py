"""The knowledge and the language packs (YAML), installed inside the package as voice.data."""
