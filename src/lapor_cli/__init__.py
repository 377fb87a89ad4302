"""lapor-cli: register kasus meja pengaduan Dinas Sosial."""

import os

__version__ = "0.1.0"

# openpyxl writes and reads XLSX through lxml whenever some other package has installed it
# (python-docx does). Its lxml path reports a full disk as ``SerialisationError("IO_ENOSPC")``
# instead of an ``OSError`` and re-raises it when Python collects the abandoned writer, so a
# refusal would end in a traceback. One XML path, the one the tests cover, whatever else is
# installed: set before openpyxl is first imported (it reads this once, at import).
os.environ["OPENPYXL_LXML"] = "False"
