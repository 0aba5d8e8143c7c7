#!/usr/bin/env bash
# make-fixtures.sh - regenerates tests/data/tsan/ from the programs in this folder.
#
# Each program is built with clang-19 and (when gcc's libtsan is installed) with
# gcc, run under ThreadSanitizer, and its log saved as tests/data/tsan/<cc>-<kind>.log.
# Paths are made repository-relative with strip_path_prefix so fixtures do not
# depend on where the tree was checked out. Run from anywhere:
#
#   tests/progs/tsan/make-fixtures.sh [build-dir [fixture-kind...]]
#
# With fixture kinds (e.g. race-global lock-order), only those are regenerated.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$root/tests/data/tsan"
work="${1:-$(mktemp -d)}"
shift || true
only=" $* "
mkdir -p "$work" "$out"

# program[:argument]  fixture-kind  [mode]
# Modes: log (default) writes through log_path with second_deadlock_stack=1;
# plain is log without second_deadlock_stack; stderr keeps TSan on stderr, where
# it interleaves with the program's own output; color is log with
# color=always (ANSI escapes, as a terminal or CI log capture shows them);
# nosummary is log with print_summary=0 (reports end at the separator line).
runs=(
    "race_global race-global"
    "race_heap race-heap"
    "race_static race-static"
    "race_locked race-locked"
    "race_stack race-stack-tls"
    "race_fd race-fd"
    "lock_order lock-order"
    "lock_cycle3 lock-cycle3 plain"
    "thread_leak thread-leak"
    "thread_leaks thread-leaks"
    "mutex_misuse:unlock-unlocked unlock-unlocked"
    "mutex_misuse:destroy-locked destroy-locked"
    "mutex_misuse:double-lock double-lock"
    "mutex_misuse:invalid invalid-mutex"
    "custom_rwlock:read-unlock read-unlock"
    "custom_rwlock:read-lock read-lock"
    "signal_unsafe signal-unsafe"
    "signal_stdio signal-stdio"
    "signal_errno signal-errno"
    "use_after_free use-after-free"
    "chatty interleaved stderr"
    "virtual_uaf cxx-use-after-free"
    "race_heap race-heap-color color"
    "race_locked race-locked-nosummary nosummary"
)

# tag  C compiler  C++ compiler
compilers=("clang clang-19 clang++-19")
if gcc -fsanitize=thread -x c -o "$work/probe" - <<<'int main(void){return 0;}' 2>/dev/null; then
    compilers+=("gcc gcc g++")
fi

for c in "${compilers[@]}"; do
    read -r tag ccc cxx <<<"$c"
    for r in "${runs[@]}"; do
        read -r prog kind mode <<<"$r"
        [ "$only" = "  " ] || [[ "$only" == *" $kind "* ]] || continue
        src="${prog%%:*}"
        arg=""
        [[ "$prog" == *:* ]] && arg="${prog#*:}"
        bin="$work/$tag-$src"
        if [ -e "$here/$src.c" ]; then
            cc="$ccc" file="$here/$src.c"
        else
            cc="$cxx" file="$here/$src.cpp"
        fi
        "$cc" -fsanitize=thread -g -O1 -o "$bin" "$file" -lpthread
        case "${mode:-log}" in
        log) opts="log_path=$work/log second_deadlock_stack=1" ;;
        plain) opts="log_path=$work/log" ;;
        color) opts="log_path=$work/log color=always" ;;
        nosummary) opts="log_path=$work/log print_summary=0" ;;
        stderr) opts="" ;;
        esac
        # Signal delivery is timing-dependent: try a few times before giving up.
        for attempt in 1 2 3; do
            rm -f "$work/log".*
            TSAN_OPTIONS="$opts strip_path_prefix=$root/" "$bin" $arg >/dev/null \
                2>"$work/log.stderr" || true
            [ "${mode:-log}" = stderr ] || rm -f "$work/log.stderr"
            logs=("$work"/log.*)
            [ -e "${logs[0]}" ] && grep -q 'ThreadSanitizer' "${logs[@]}" && break
        done
        if [ -e "${logs[0]}" ]; then
            cat "${logs[@]}" >"$out/$tag-$kind.log"
        else
            echo "make-fixtures: $tag $kind produced no report" >&2
        fi
    done
done
