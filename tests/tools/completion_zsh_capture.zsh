#!/usr/bin/env zsh
# Prints the completions zsh offers for a command line, one per line, by driving a real
# interactive zsh (compinit, the completion widget) in a pseudo-terminal:
#
#   completion_zsh_capture.zsh FPATH_DIR 'sbx run --net'
#
# FPATH_DIR holds _sbx. A wrapper around compadd prints every candidate the completion
# functions add ("WORD" or "WORD -- DESCRIPTION"); the start and the end of the
# completion print a mark, so that the prompt and the echo are left out.
# Exits 2 if zsh could not be set up, 3 if the completion did not finish.
emulate -L zsh
zmodload zsh/zpty || exit 2
local fdir=$1 line=$2 out
local -a setup
setup=(
  'PROMPT= RPROMPT= PS2='
  'unset zle_bracketed_paste'
  "fpath=(${(q)fdir} \$fpath)"
  'autoload -Uz compinit && compinit -u -D'
  "bindkey '^I' complete-word"
  'zstyle ":completion:*" list-grouped false'
  'zstyle ":completion:*" insert-tab false'
  '_sbx_capture_mark() { print -r -- "@@sbx-mark-$(( 40 + 2 ))@@" }'
  'compprefuncs=(_sbx_capture_mark)'
  'comppostfuncs=(_sbx_capture_mark exit)'
  # Print what is added, then add it (so that fallbacks such as _files' all-files do
  # not kick in); comppostfuncs exits before anything is drawn.
  'compadd() {
     if [[ ${@[1,(i)(-|--)]} == *-[OAD]\ * ]]; then builtin compadd "$@"; return; fi
     local -a __hits __dscr
     if (( $@[(I)-d] )); then
       local __d=${@[$(( ${@[(i)-d]} + 1 ))]}
       if [[ $__d == \(* ]]; then eval "__dscr=$__d"; else __dscr=( "${(@P)__d}" ); fi
     fi
     builtin compadd -A __hits -D __dscr "$@"
     local i
     for (( i = 1; i <= $#__hits; i++ )); do
       if (( $#__dscr >= i )); then print -r -- "$__hits[i] -- ${__dscr[i]}"; else print -r -- "$__hits[i]"; fi
     done
     builtin compadd "$@"
   }'
  'print -r -- sbx-capture-$(( 6 * 7 ))'
)
zpty sbxcap zsh -f -i || exit 2
local l
for l in $setup; do zpty -w sbxcap "$l"; done
# Wait for the setup to finish (the echo of the command reads "$(( 6 * 7 ))").
local ready=0 seen=''
repeat 400; do
  zpty -r -t sbxcap out 2>/dev/null || { sleep 0.05; continue; }
  seen+=$out
  if [[ $seen == *sbx-capture-42* ]]; then ready=1; break; fi
done
sleep 0.2
(( ready )) || { print -u2 "zsh did not start"; zpty -d sbxcap; exit 2; }
zpty -n -w sbxcap "$line"$'\t'
local marks=0 rest=''
repeat 2000; do
  if ! zpty -r -t sbxcap out 2>/dev/null; then
    zpty -t sbxcap 2>/dev/null || break   # zsh exited
    sleep 0.01
    continue
  fi
  rest+=$out
  while [[ $rest == *$'\n'* ]]; do
    local one=${rest%%$'\n'*}
    rest=${rest#*$'\n'}
    one=${one%$'\r'}
    if [[ $one == *@@sbx-mark-42@@* ]]; then
      (( ++marks == 2 )) && { zpty -d sbxcap 2>/dev/null; exit 0; }
      continue
    fi
    (( marks == 1 )) && print -r -- "$one"
  done
done
zpty -d sbxcap 2>/dev/null
exit 3
