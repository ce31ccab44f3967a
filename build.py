"""The example site's entry point: ``python build.py [build|check|new|serve] …``.

The same as running ``glossator VERB …`` in this folder: all logic lives in the ``glossator``
package; this file only makes the folder it sits in the current one.
"""

import os
import sys
from pathlib import Path

from glossator.cli import main

if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent)
    sys.exit(main(sys.argv[1:] or ["build"]))
