#!/usr/bin/env bash
# make-fixtures.sh - regenerates tests/data/tsan/ from the programs in this folder.
#
# Each program is built with clang-19 and (when gcc's libtsan is installed) with
# gcc, run under ThreadSanitizer, and its log saved as tests/data/tsan/<cc>-<kind>.log.
# Paths are made repository-relative with strip_path_prefix so fixtures do not
# depend on where the tree was checked out. Run from anywhere:
#
#   tests/progs/tsan/make-fixtures.sh [build-dir]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$root/tests/data/tsan"
work="${1:-$(mktemp -d)}"
mkdir -p "$work" "$out"

# program[:argument]  fixture kind
runs=(
    "race_global race-global"
    "race_heap race-heap"
    "lock_order lock-order"
    "thread_leak thread-leak"
    "mutex_misuse:unlock-unlocked unlock-unlocked"
    "mutex_misuse:destroy-locked destroy-locked"
    "mutex_misuse:double-lock double-lock"
    "mutex_misuse:invalid invalid-mutex"
    "signal_unsafe signal-unsafe"
    "signal_errno signal-errno"
    "use_after_free use-after-free"
)

compilers=("clang clang-19 -O1")
if gcc -fsanitize=thread -x c -o "$work/probe" - <<<'int main(void){return 0;}' 2>/dev/null; then
    compilers+=("gcc gcc -O1")
fi

for c in "${compilers[@]}"; do
    read -r tag cc opt <<<"$c"
    for r in "${runs[@]}"; do
        read -r prog kind <<<"$r"
        src="${prog%%:*}"
        arg=""
        [[ "$prog" == *:* ]] && arg="${prog#*:}"
        bin="$work/$tag-$src"
        [ -x "$bin" ] || "$cc" -fsanitize=thread -g "$opt" -o "$bin" "$here/$src.c" -lpthread
        rm -f "$work/log".*
        TSAN_OPTIONS="log_path=$work/log second_deadlock_stack=1 strip_path_prefix=$root/" \
            "$bin" $arg >/dev/null 2>&1 || true
        logs=("$work"/log.*)
        if [ -e "${logs[0]}" ]; then
            cat "${logs[@]}" >"$out/$tag-$kind.log"
        else
            echo "make-fixtures: $tag $kind produced no report" >&2
        fi
    done
done
