"""lapor-cli: register kasus meja pengaduan Dinas Sosial."""

__version__ = "0.1.0"
