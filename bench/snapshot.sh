#!/bin/sh
# Install the committed Glossator (HEAD, or the commit given) into its own virtualenv under
# bench/snapshots/<commit>/, so a benchmark measures one fixed commit while the working tree
# changes. Uses `git archive` (reads commits only; the index and working tree are untouched).
#   sh bench/snapshot.sh [COMMIT]   →   python3 bench/run.py --glossator bench/snapshots/<commit>
set -eu
cd "$(dirname "$0")/.."
rev=$(git rev-parse --short "${1:-HEAD}")
dest=bench/snapshots/$rev
if [ -x "$dest/.venv/bin/glossator" ]; then echo "$dest"; exit 0; fi
rm -rf "$dest"
mkdir -p "$dest"
git archive --format=tar "$rev" | tar -x -C "$dest"
python3 -m venv "$dest/.venv"
"$dest/.venv/bin/python" -m pip install --quiet --upgrade pip
"$dest/.venv/bin/python" -m pip install --quiet -c "$dest/constraints.txt" "$dest"
echo "$rev" > "$dest/COMMIT"
echo "$dest"
