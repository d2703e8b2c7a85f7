#!/usr/bin/env bash
# The logic of bootspec's GitHub Action (action.yml): builds the runtime, runs bootspec against it
# with its expectations, writes the Markdown summary to the job summary, leaves the HTML report,
# JUnit and JSON in one folder for upload, and exits non-zero on any unexpected verdict (bootspec
# run's own exit status: with an expectations file only a difference fails, an unexpected pass too).
#
# Inputs come as environment variables, as a composite action passes them:
#   INPUT_RUNTIME         runtime folder (runtime.json or a bare bootstrap)          required
#   INPUT_BUILD_COMMAND   shell command run in the runtime folder before bootspec's own build
#   INPUT_EXPECTATIONS    expectations file (default: the one runtime.json names)
#   INPUT_ONLY            scenario ids or areas, comma-separated
#   INPUT_DRIVER          process (default) or container
#   INPUT_STRICT          "true": warnings count as failures
#   INPUT_ARGS            more `bootspec run` options, split on spaces
#   INPUT_REPORT_DIR      where the reports go (default: $RUNNER_TEMP/bootspec-report)
#   INPUT_VERSION         bootspec version to install from the npm registry (default: this action's),
#                         or the path of a tarball made by npm pack
#   BOOTSPEC_CMD          a bootspec command to use instead of installing one (tests, a local checkout)
# and GitHub's own: GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP, GITHUB_ACTION_PATH.
set -uo pipefail

say() { printf 'bootspec-action: %s\n' "$*" >&2; }
fail() { printf '::error title=bootspec::%s\n' "$*"; say "$*"; exit 2; }

runtime="${INPUT_RUNTIME:-}"
[ -n "$runtime" ] || fail "input 'runtime' is required: the folder holding runtime.json (or a bootstrap)"
[ -d "$runtime" ] || fail "runtime folder '$runtime' does not exist (relative to $(pwd))"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
temp="${RUNNER_TEMP:-$(mktemp -d)}"
report="${INPUT_REPORT_DIR:-$temp/bootspec-report}"
mkdir -p "$report"

# bootspec itself: an installed package, never the TypeScript sources.
if [ -n "${BOOTSPEC_CMD:-}" ]; then
  read -r -a bootspec <<<"$BOOTSPEC_CMD"
else
  version="${INPUT_VERSION:-$(node -p "require('$action_path/package.json').version")}"
  # a packed tarball (npm pack) is installed as it is; anything else is a registry version
  case "$version" in */* | *.tgz) spec="$version" ;; *) spec="bootspec@$version" ;; esac
  prefix="$temp/bootspec-cli"
  say "installing $spec"
  npm install --prefix "$prefix" --omit=dev --no-audit --no-fund --no-save "$spec" >&2 || fail "npm could not install $spec"
  bootspec=("$prefix/node_modules/.bin/bootspec")
fi

if [ -n "${INPUT_BUILD_COMMAND:-}" ]; then
  say "building: $INPUT_BUILD_COMMAND (in $runtime)"
  (cd "$runtime" && bash -c "$INPUT_BUILD_COMMAND") || fail "the build command failed: $INPUT_BUILD_COMMAND"
fi
if [ -f "$runtime/runtime.json" ]; then
  "${bootspec[@]}" build "$runtime" || fail "bootspec build $runtime failed (the build named in runtime.json)"
fi

args=(run "$runtime" --json "$report/results.json" --junit "$report/junit.xml" --html "$report/html" --markdown "$report/summary.md")
[ -n "${INPUT_EXPECTATIONS:-}" ] && args+=(--expectations "$INPUT_EXPECTATIONS")
[ -n "${INPUT_ONLY:-}" ] && args+=(--only "$INPUT_ONLY")
[ -n "${INPUT_DRIVER:-}" ] && args+=(--driver "$INPUT_DRIVER")
[ "${INPUT_STRICT:-false}" = "true" ] && args+=(--strict)
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<<"$INPUT_ARGS"
  args+=("${extra[@]}")
fi

say "${bootspec[*]} ${args[*]}"
"${bootspec[@]}" "${args[@]}"
rc=$?

if [ -f "$report/summary.md" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$report/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "report-dir=$report"; echo "results=$report/results.json"; echo "exit-code=$rc"; } >>"$GITHUB_OUTPUT"
fi
case "$rc" in
  0) say "no unexpected verdict" ;;
  1) printf '::error title=bootspec::unexpected verdicts against %s (see the job summary and the bootspec-report artifact)\n' "$runtime" ;;
  *) printf '::error title=bootspec::bootspec could not run (exit %s); see the log above\n' "$rc" ;;
esac
exit "$rc"
