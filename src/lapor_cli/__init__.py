"""lapor-cli: register kasus meja pengaduan Dinas Sosial."""

import os as _os

__version__ = "0.1.0"

# openpyxl switches its XML writer and reader to lxml whenever lxml is installed (python-docx,
# used for letters, brings it). The workbook code, its refusals (a full disk is an OSError)
# and its measured speed are openpyxl's own standard-library path: keep that one, unless the
# user chose otherwise. Set before any openpyxl import (it reads this once, when imported).
_os.environ.setdefault("OPENPYXL_LXML", "False")
