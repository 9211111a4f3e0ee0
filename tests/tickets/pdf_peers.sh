#!/usr/bin/env bash
# Checks rendered tickets with tools that did not write them: poppler must find the text,
# and zbar must read back exactly the QR payload from a 200 dpi raster of the page.
# Usage: pdf_peers.sh path/to/render_ticket
set -euo pipefail

driver=${1:?usage: pdf_peers.sh path/to/render_ticket}
for tool in pdftotext pdftoppm zbarimg; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool is missing (scripts/install-deps.sh installs poppler-utils and zbar-tools)" >&2
    exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "A1" and 180 characters of upper-case base32, the shape of a signed ticket payload.
alphabet=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567
payload=A1
for ((i = 0; i < 180; i++)); do payload+=${alphabet:$(((i * 11 + 5) % 32)):1}; done

failures=0
fail() { echo "FAIL [$1]: $2" >&2; failures=$((failures + 1)); }

check_ticket() {
  local name=$1 event=$2 holder=$3
  local pdf=$work/$name.pdf before=$failures
  "$driver" "$pdf" "$payload" "$event" "$holder" || { fail "$name" "render_ticket exited with $?"; return; }

  local text
  text=$(pdftotext -enc UTF-8 "$pdf" -) || { fail "$name" "pdftotext cannot read the PDF"; return; }
  # The title wraps over two lines; compare with whitespace folded.
  local folded
  folded=$(tr -s ' \n' '  ' <<<"$text")
  [[ $folded == *"$event"* ]] || fail "$name" "pdftotext lacks the event name '$event'; got: $folded"
  [[ $folded == *"$holder"* ]] || fail "$name" "pdftotext lacks the holder name '$holder'; got: $folded"

  pdftoppm -r 200 -png -singlefile "$pdf" "$work/$name" || { fail "$name" "pdftoppm cannot rasterize the PDF"; return; }
  # zbarimg chatters on stderr (D-Bus) even when it succeeds; keep that for failures only.
  local decoded
  decoded=$(zbarimg --raw -q "$work/$name.png" 2>"$work/$name.zbar.err" || true)
  if [[ $decoded != "$payload" ]]; then
    fail "$name" "zbarimg read '$decoded', expected '$payload'"
    cat "$work/$name.zbar.err" >&2
  fi
  if ((failures == before)); then echo "ok [$name]"; fi
}

check_ticket latin "Jazz Night at the Blue Room" "Ada Lovelace"
check_ticket cjk "東京デベロッパーサミット 2027" "山田 太郎"

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
