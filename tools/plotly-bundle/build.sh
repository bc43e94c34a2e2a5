#!/bin/sh
# Rebuild static/vendor/plotly/plotly-charts.min.js from plotly.js with only the trace types the charts use.
# Needs node and npm; the site itself never does (the built file is committed). Run it after changing the
# trace types in reports/charts or the plotly.js version in package.json (keep it the version the plotly
# Python package bundles: `head -3 .venv/lib/python3.11/site-packages/plotly/package_data/plotly.min.js`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../static/vendor/plotly"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
cd "$work"
npm install --no-audit --no-fund --ignore-scripts --silent
[ -f "$here/package-lock.json" ] || cp package-lock.json "$here/"
version=$(node -p 'require("plotly.js/package.json").version')
# The map CSS that plotly.js's core imports is for map traces, which these charts do not use.
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --alias:stream=stream-browserify --loader:.css=empty \
  --legal-comments=eof --log-level=warning --outfile="$out/plotly-charts.min.js" \
  --banner:js="/*! plotly.js v$version, partial bundle (core, bar, heatmap, scatterpolar). MIT licensed: LICENSE.txt */"
cp node_modules/plotly.js/LICENSE "$out/LICENSE.txt"
printf 'plotly.js %s: core, bar, heatmap, scatterpolar (tools/plotly-bundle/build.sh)\n' "$version" > "$out/VERSION.txt"
ls -l "$out"
