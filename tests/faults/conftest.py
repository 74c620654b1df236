"""The fault suite: crashes, damage, full and read-only disks, two servers on one
directory, and the wire under hostile input. Needs the built binary ($OPENVPC_BIN) and,
for the tmpfs cases, root."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
