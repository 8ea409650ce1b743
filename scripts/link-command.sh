#!/usr/bin/env bash
# Put `policykg` on the PATH: link .venv/bin/policykg into ~/.local/bin when that folder is on the PATH (the usual
# place for a user's own commands). Never replaces a policykg that is not a link to some policykg .venv; set
# POLICYKG_NO_LINK=1 to leave ~/.local/bin alone. Prints, in one line, how to type `policykg` from now on
# (not with --quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
target="$PWD/.venv/bin/policykg"
bin="$HOME/.local/bin"

ours() { case "$(readlink "$1" 2>/dev/null)" in */.venv/bin/policykg) return 0 ;; *) return 1 ;; esac; }

if [ -z "${POLICYKG_NO_LINK:-}" ] && [ -x "$target" ]; then
  case ":$PATH:" in
    *":$bin:"*)
      if [ ! -e "$bin/policykg" ] && [ ! -L "$bin/policykg" ] || ours "$bin/policykg"; then
        mkdir -p "$bin" && ln -sfn "$target" "$bin/policykg"
      fi ;;
  esac
fi

[ "${1:-}" = "--quiet" ] && exit 0
found=$(command -v policykg 2>/dev/null || true)
if [ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$target")" ]; then
  echo "policykg is on your PATH ($found -> .venv/bin/policykg): type  policykg --help"
else
  echo "To type \`policykg …\`, run this in your shell first:  source .venv/bin/activate   (or type .venv/bin/policykg …)"
fi
