#!/usr/bin/env bash
# Run the given tests as the unprivileged user "nobody" (root ignores file permissions, so the
# tests of read-only folders skip under root). The tree is copied to a folder that user can
# read, with its own environment built from a Python interpreter that user can run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run_unprivileged.sh is for root: run the tests directly" >&2; exit 2; }
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env)

python=""
for candidate in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
  if [ -x "$candidate" ] && "${as_nobody[@]}" "$candidate" -c \
      'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { echo "no Python 3.11+ that the user nobody can run: unprivileged tests not run" >&2; exit 1; }

work=$(mktemp -d /tmp/posko-unprivileged.XXXXXX)
trap 'rm -rf "$work"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$work"
"$python" -m venv "$work/.venv"
# Installed as root, from root's package cache; then handed to nobody.
"$work/.venv/bin/pip" install -q "$work[test]"
chmod 755 "$work"
chown -R nobody:nogroup "$work"
echo "+ as nobody: pytest $*"
cd "$work"
set +e
"${as_nobody[@]}" env HOME="$work" PATH=/usr/bin:/bin "$work/.venv/bin/python" -m pytest -p no:cacheprovider -rs "$@" \
  2>&1 | tee "$work/unprivileged.log"
status=${PIPESTATUS[0]}
set -e
if grep -q "SKIPPED" "$work/unprivileged.log"; then
  echo "a test meant to run unprivileged skipped" >&2
  exit 1
fi
exit "$status"
