#include "cli/completion.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>
#include <vector>

#include "util/error.hpp"

namespace sbx::cli {

namespace {

// ---------------------------------------------------------------------------------------
// The model: what the CLI11 App says, in the terms shells complete in.

enum class Value { None, Words, Profile, File, Dir, Path, Subcommand, Text };

struct Arg {
  std::vector<std::string> names;  // "-v", "--verbose"; empty for a positional
  std::string label;               // positional name, or the value's type name ("FILE")
  std::string desc;
  Value value = Value::None;       // None: a flag
  std::vector<std::string> words;  // Value::Words
  bool repeats = false;            // may be given more than once / takes several words
  bool exits = false;              // --help, --version: nothing else matters after them
};

struct Command {
  std::string name, desc;
  std::vector<Arg> options, positionals;
  bool takes_command = false;  // CMD [ARGS...] after `--`
};

struct Model {
  Command root;
  std::vector<Command> commands;
};

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool is_word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// Classifies a value from its type name, e.g. "none|host", "TEXT:{bash,zsh,fish}", "FILE".
void classify(Arg& a, const std::string& type) {
  auto open = type.find('{');
  auto close = type.rfind('}');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    a.value = Value::Words;
    for (auto& w : split_on(type.substr(open + 1, close - open - 1), ',')) {
      w.erase(0, w.find_first_not_of(' '));
      if (!w.empty()) a.words.push_back(w);
    }
    return;
  }
  if (contains(type, "|")) {
    auto alts = split_on(type, '|');
    if (std::all_of(alts.begin(), alts.end(), is_word)) {
      a.value = Value::Words;
      a.words = alts;
      return;
    }
  }
  if (contains(type, "PROFILE")) a.value = Value::Profile;
  else if (contains(type, "COMMAND")) a.value = Value::Subcommand;
  else if (contains(type, "FILE")) a.value = Value::File;
  else if (contains(type, "DIR")) a.value = Value::Dir;
  else if (contains(type, "SRC") || contains(type, "DEST") || contains(type, "PATH")) a.value = Value::Path;
  else a.value = Value::Text;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The type name without the validators' descriptions CLI11 appends after a ':' (but
// "SRC[:DEST]" stays whole).
std::string type_label(const std::string& full) {
  int depth = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    if (full[i] == '[') ++depth;
    if (full[i] == ']') --depth;
    if (full[i] == ':' && depth == 0) return full.substr(0, i);
  }
  return full;
}

Command read_command(const CLI::App& app, bool is_root) {
  Command c;
  c.name = is_root ? std::string() : app.get_name();
  c.desc = first_line(app.get_description());
  c.takes_command = !is_root && contains(app.get_description(), "-- CMD");
  for (const CLI::Option* o : app.get_options()) {
    Arg a;
    a.desc = first_line(o->get_description());
    bool flag = o->get_items_expected_max() == 0;
    a.repeats = o->get_expected_max() > 1 || o->get_items_expected_max() > 1;
    a.exits = o == app.get_help_ptr() || o == app.get_version_ptr();
    if (o->nonpositional()) {
      for (const auto& s : o->get_snames()) a.names.push_back("-" + s);
      for (const auto& l : o->get_lnames()) a.names.push_back("--" + l);
      if (!flag) {
        classify(a, o->get_type_name());
        a.label = type_label(o->get_type_name());
      } else {
        a.repeats = false;
      }
      c.options.push_back(std::move(a));
    } else if (o->get_positional()) {
      a.label = o->get_name(true);
      classify(a, o->get_type_name());
      c.positionals.push_back(std::move(a));
    }
  }
  return c;
}

Model read_model(const CLI::App& app) {
  Model m;
  m.root = read_command(app, true);
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>{}))
    m.commands.push_back(read_command(*sub, false));
  return m;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// A POSIX-shell single-quoted word (bash, zsh).
std::string sq(const std::string& s) { return "'" + replace_all(s, "'", "'\\''") + "'"; }
// A fish single-quoted word.
std::string fq(const std::string& s) { return "'" + replace_all(replace_all(s, "\\", "\\\\"), "'", "\\'") + "'"; }

std::vector<std::string> valued_options(const Command& c) {
  std::vector<std::string> out;
  for (const auto& o : c.options)
    if (o.value != Value::None) out.insert(out.end(), o.names.begin(), o.names.end());
  return out;
}

// sbx itself (name ''), then each subcommand.
std::vector<const Command*> all_commands(const Model& m) {
  std::vector<const Command*> v{&m.root};
  for (const auto& c : m.commands) v.push_back(&c);
  return v;
}

std::vector<std::string> command_names(const Model& m) {
  std::vector<std::string> out;
  for (const auto& c : m.commands) out.push_back(c.name);
  return out;
}

// The comment lines every script starts with, after its first line.
std::string header(const std::string& shell) {
  return "# Generated by `sbx completion " + shell +
         "` from sbx's command-line definition (src/cli/app.cpp);\n"
         "# do not edit: regenerate with `cmake --build BUILD --target completions-update`.\n";
}

// ---------------------------------------------------------------------------------------
// bash

// The bash action for a value; `cur` is the word being completed.
std::string bash_value_action(const Arg& a) {
  switch (a.value) {
    case Value::Words: return "_sbx_words " + sq(join(a.words, " "));
    case Value::Profile: return "_sbx_profiles";
    case Value::File: return "_sbx_files";
    case Value::Dir: return "_sbx_dirs";
    case Value::Path: return "_sbx_files";
    case Value::Subcommand: return "_sbx_words \"$_sbx_commands\"";
    default: return ":";
  }
}

std::string bash(const Model& m) {
  std::ostringstream s;
  s << "# bash completion for sbx                                  -*- shell-script -*-\n"
    << header("bash")
    << "# Installed as share/bash-completion/completions/sbx; or: source <(sbx completion bash)\n\n";
  s << "_sbx_commands=" << sq(join(command_names(m), " ")) << "\n\n";

  s << "# _sbx_options CMD: the options of CMD ('' is sbx itself).\n_sbx_options() {\n    case $1 in\n";
  for (const Command* c : all_commands(m)) {
    std::vector<std::string> names;
    for (const auto& o : c->options) names.insert(names.end(), o.names.begin(), o.names.end());
    if (c->takes_command) names.push_back("--");
    s << "        " << (c->name.empty() ? "''" : sq(c->name)) << ") echo " << sq(join(names, " ")) << " ;;\n";
  }
  s << "    esac\n}\n\n";

  s << "# _sbx_takes_value CMD OPTION: whether OPTION of CMD takes a value.\n_sbx_takes_value() {\n    case \"$1 $2\" in\n";
  std::vector<std::string> pats;
  for (const Command* c : all_commands(m))
    for (const auto& o : valued_options(*c)) pats.push_back(sq(c->name + " " + o));
  if (!pats.empty()) s << "        " << join(pats, "|") << ") return 0 ;;\n";
  s << "    esac\n    return 1\n}\n\n";

  s << "# _sbx_takes_command CMD: whether CMD runs a command given after `--`.\n_sbx_takes_command() {\n    case $1 in\n";
  std::vector<std::string> tc;
  for (const auto& c : m.commands)
    if (c.takes_command) tc.push_back(sq(c.name));
  if (!tc.empty()) s << "        " << join(tc, "|") << ") return 0 ;;\n";
  s << "    esac\n    return 1\n}\n\n";

  s << "# _sbx_value CMD OPTION: completes the value of OPTION.\n_sbx_value() {\n    case \"$1 $2\" in\n";
  for (const Command* c : all_commands(m))
    for (const auto& o : c->options) {
      if (o.value == Value::None) continue;
      std::vector<std::string> ps;
      for (const auto& n : o.names) ps.push_back(sq(c->name + " " + n));
      s << "        " << join(ps, "|") << ") " << bash_value_action(o) << " ;;\n";
    }
  s << "    esac\n}\n\n";

  s << "# _sbx_positional CMD N: completes the positional argument number N (from 0) of CMD.\n"
       "_sbx_positional() {\n    case $1 in\n";
  for (const auto& c : m.commands) {
    if (c.positionals.empty()) continue;
    s << "        " << sq(c.name) << ")\n";
    for (size_t i = 0; i < c.positionals.size(); ++i) {
      const Arg& p = c.positionals[i];
      s << "            " << (i ? "elif" : "if") << " (( $2 " << (p.repeats ? ">=" : "==") << " " << i << " )); then "
        << bash_value_action(p) << "\n";
    }
    s << "            fi ;;\n";
  }
  s << "    esac\n}\n";

  s << R"BASH(
_sbx_words() {
    local IFS=$' \t\n'
    COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_sbx_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -- "$cur"))
}

_sbx_dirs() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -d -- "$cur"))
}

# Profile names from `sbx profiles --names`, then *.toml files, and the directories that
# hold *.toml files (not node_modules/, .git/ and every other directory).
_sbx_profiles() {
    local bin=${words[0]/#\~/$HOME}
    _sbx_words "$("$bin" profiles --names 2>/dev/null)"
    local IFS=$'\n' d
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -X '!*.toml' -- "$cur"))
    for d in $(compgen -d -- "$cur"); do
        compgen -G "$d/*.toml" >/dev/null && COMPREPLY+=("$d")
    done
}

# Completes what follows `--` as a command line of its own; $1 is its index in COMP_WORDS.
_sbx_command_line() {
    if declare -F _command_offset >/dev/null; then
        _command_offset "$1"
    elif (( COMP_CWORD == $1 )); then
        local IFS=$'\n'
        COMPREPLY=($(compgen -c -- "$cur"))
    else
        _sbx_files
    fi
}

_sbx() {
    local cur prev words cword
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur prev words cword
    else
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
        cur=${words[cword]} prev=${words[cword-1]}
    fi
    COMPREPLY=()

    # Walk the words before the cursor: the command, option values, positionals, `--`.
    local cmd='' npos=0 i w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $w == -- && -n $cmd ]]; then
            _sbx_takes_command "$cmd" || return 0
            # The same `--` in COMP_WORDS, which may split words further (at '=', ':').
            local j
            for ((j = i; j < ${#COMP_WORDS[@]}; j++)); do
                if [[ ${COMP_WORDS[j]} == -- ]]; then
                    _sbx_command_line $((j + 1))
                    return 0
                fi
            done
            return 0
        fi
        if [[ $w == -* ]]; then
            [[ $w != *=* ]] && _sbx_takes_value "$cmd" "$w" && ((i++))
        elif [[ -z $cmd ]]; then
            cmd=$w
        else
            ((npos++))
        fi
    done

    local opt=''
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*} cur=${cur#*=}
        _sbx_takes_value "$cmd" "$opt" || opt=''
    elif [[ $prev == -* ]] && _sbx_takes_value "$cmd" "$prev"; then
        opt=$prev
    fi

    if [[ -n $opt ]]; then
        _sbx_value "$cmd" "$opt"
    elif [[ $cur == -* ]]; then
        _sbx_words "$(_sbx_options "$cmd")"
    elif [[ -z $cmd ]]; then
        _sbx_words "$_sbx_commands"
    else
        _sbx_positional "$cmd" "$npos"
    fi
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
    return 0
}

complete -F _sbx sbx
)BASH";
  return s.str();
}

// ---------------------------------------------------------------------------------------
// zsh

// Escapes text for inside an _arguments spec: descriptions in [...] and messages.
std::string zsh_desc(const std::string& s) {
  return replace_all(replace_all(replace_all(s, "\\", "\\\\"), "]", "\\]"), "[", "\\[");
}
std::string zsh_msg(const std::string& s) { return replace_all(replace_all(s, "\\", "\\\\"), ":", "\\:"); }

std::string zsh_action(const Arg& a) {
  switch (a.value) {
    case Value::Words: return "(" + join(a.words, " ") + ")";
    case Value::Profile: return "_sbx_profiles";
    case Value::File: return "_files";
    case Value::Dir: return "_files -/";
    case Value::Path: return "_files";
    case Value::Subcommand: return "_sbx_commands";
    default: return " ";
  }
}

std::vector<std::string> zsh_specs(const Command& c) {
  std::vector<std::string> out;
  for (const auto& o : c.options) {
    std::string excl;
    if (o.exits) excl = "(- *)";
    else if (o.repeats) excl = "*";
    else if (o.names.size() > 1) excl = "(" + join(o.names, " ") + ")";
    for (const auto& n : o.names) {
      std::string spec = excl + n;
      if (o.value != Value::None) spec += n.size() > 2 ? "=" : "+";
      spec += "[" + zsh_desc(o.desc) + "]";
      if (o.value != Value::None) spec += ":" + zsh_msg(o.label) + ":" + zsh_action(o);
      out.push_back(spec);
    }
  }
  for (size_t i = 0; i < c.positionals.size(); ++i) {
    const Arg& p = c.positionals[i];
    std::string msg = zsh_msg(p.desc.empty() ? p.label : p.desc);
    out.push_back((p.repeats ? std::string("*") : std::to_string(i + 1)) + ":" + msg + ":" + zsh_action(p));
  }
  return out;
}

std::string zsh_fn(const std::string& name) {
  std::string out = "_sbx_cmd_";
  for (char c : name) out += (c == '-' ? '_' : c);
  return out;
}

std::string zsh(const Model& m) {
  std::ostringstream s;
  s << "#compdef sbx\n"
    << "# zsh completion for sbx.\n" << header("zsh")
    << "# Installed as share/zsh/site-functions/_sbx; or: source <(sbx completion zsh)\n\n";

  s << "_sbx_commands() {\n  local -a commands=(\n";
  for (const auto& c : m.commands) s << "    " << sq(c.name + ":" + replace_all(c.desc, ":", "\\:")) << "\n";
  s << "  )\n  _describe -t commands 'sbx command' commands\n}\n";

  s << R"ZSH(
# Profile names from `sbx profiles --names`, *.toml files, and the directories that hold
# *.toml files (not node_modules/, .git/ and every other directory).
_sbx_has_toml() {
  local -a f
  f=($REPLY/*.toml(N-.))
  (( $#f ))
}
_sbx_profiles() {
  local -a names
  names=(${(f)"$(_call_program profiles ${(q)_sbx_bin} profiles --names 2>/dev/null)"})
  _alternative \
    'profile-names:profile:compadd -a names' \
    'profile-files:profile file:_path_files -g "*.toml(-.) *(-/+_sbx_has_toml)"'
}

# When a `--` stands before the cursor (and is not an option's value), completes what
# follows it as a command line of its own and succeeds. $@: the options taking a value.
_sbx_command_line() {
  local i
  for (( i = 2; i < CURRENT; i++ )); do
    [[ $words[i] == -- ]] || continue
    (( ${@[(Ie)$words[i-1]]} )) && continue
    shift $i words
    (( CURRENT -= i ))
    _normal
    return 0
  done
  return 1
}
)ZSH";

  for (const auto& c : m.commands) {
    s << "\n" << zsh_fn(c.name) << "() {\n";
    if (c.takes_command) {
      s << "  _sbx_command_line";
      for (const auto& v : valued_options(c)) s << " " << sq(v);
      s << " && return 0\n";
    }
    s << "  _arguments -S :";
    for (const auto& spec : zsh_specs(c)) s << " \\\n    " << sq(spec);
    s << "\n}\n";
  }

  s << "\n_sbx() {\n  local _sbx_bin=$words[1]\n  local curcontext=$curcontext state line ret=1\n"
       "  typeset -A opt_args\n  _arguments -C :";
  for (const auto& spec : zsh_specs(m.root)) s << " \\\n    " << sq(spec);
  s << " \\\n    '1: :_sbx_commands' \\\n    '*:: :->args' && ret=0\n";
  s << "  if [[ $state == args ]]; then\n    curcontext=${curcontext%:*:*}:sbx-$words[1]:\n    case $words[1] in\n";
  for (const auto& c : m.commands) s << "      " << sq(c.name) << ") " << zsh_fn(c.name) << " && ret=0 ;;\n";
  s << "      *) _message \"unknown sbx command: $words[1]\" ;;\n    esac\n  fi\n  return ret\n}\n\n";
  s << "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  _sbx \"$@\"\nelse\n  compdef _sbx sbx\nfi\n";
  return s.str();
}

// ---------------------------------------------------------------------------------------
// fish

std::string fish_value(const Arg& a) {
  switch (a.value) {
    case Value::Words: return "-x -a " + fq(join(a.words, " "));
    case Value::Profile: return "-x -a '(__sbx_profiles)'";
    case Value::File: return "-r -F";
    case Value::Dir: return "-x -a '(__fish_complete_directories)'";
    case Value::Path: return "-r -F";
    case Value::Subcommand: return "-x -a '(__sbx_commands)'";
    default: return "-x";
  }
}

std::string fish(const Model& m) {
  std::ostringstream s;
  s << "# fish completion for sbx.\n" << header("fish")
    << "# Installed as share/fish/vendor_completions.d/sbx.fish; or: sbx completion fish | source\n\n";

  s << "# __sbx_valued CMD: the options of CMD ('' is sbx itself) that take a value.\n"
       "function __sbx_valued -a cmd\n    switch \"$cmd\"\n";
  auto all = all_commands(m);
  for (const Command* c : all) {
    auto v = valued_options(*c);
    if (v.empty()) continue;
    s << "        case " << (c->name.empty() ? "''" : fq(c->name)) << "\n            printf '%s\\n'";
    for (const auto& o : v) s << " " << fq(o);
    s << "\n";
  }
  s << "    end\nend\n\n";

  s << "# __sbx_takes_command CMD: whether CMD runs a command given after `--`.\n"
       "function __sbx_takes_command -a cmd\n    contains -- \"$cmd\"";
  for (const auto& c : m.commands)
    if (c.takes_command) s << " " << fq(c.name);
  s << "\nend\n\n";

  s << "function __sbx_commands\n";
  for (const auto& c : m.commands) s << "    printf '%s\\t%s\\n' " << fq(c.name) << " " << fq(c.desc) << "\n";
  s << "end\n";

  s << R"FISH(
# Parses the line before the cursor: prints the subcommand ('' for none), then the number
# of positional arguments, then 'value' if the cursor is on an option's value or 'command'
# if it is after `--`, else 'args'.
function __sbx_parse
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ''
    set -l npos 0
    set -l state args
    for t in $tokens
        if test $state = value
            set state args
            continue
        end
        if test "$t" = -- -a -n "$cmd"
            set state command
            break
        end
        switch $t
            case '-*=*'
            case '-*'
                if contains -- $t (__sbx_valued $cmd)
                    set state value
                end
            case '*'
                if test -z "$cmd"
                    set cmd $t
                else
                    set npos (math $npos + 1)
                end
        end
    end
    printf '%s\n' "$cmd" $npos $state
end

# __sbx_at CMD: the cursor is on CMD's options or arguments (CMD '' for sbx itself).
function __sbx_at -a cmd
    set -l p (__sbx_parse)
    test "$p[1]" = "$cmd" -a "$p[3]" != command
end

# __sbx_positional CMD N [more]: the cursor is on CMD's positional argument N (from 0),
# or on any from N on with "more".
function __sbx_positional -a cmd n more
    set -l p (__sbx_parse)
    test "$p[1]" = "$cmd" -a "$p[3]" = args; or return 1
    if test -n "$more"
        test $p[2] -ge $n
    else
        test $p[2] -eq $n
    end
end

function __sbx_after_dashdash
    set -l p (__sbx_parse)
    test "$p[3]" = command; and __sbx_takes_command $p[1]
end

# Profile names from `sbx profiles --names`, then *.toml files, and the directories that
# hold *.toml files (not node_modules/, .git/ and every other directory).
function __sbx_profiles
    set -l bin (commandline -opc)[1]
    command $bin profiles --names 2>/dev/null | string replace -r '$' '\tprofile'
    for c in (__fish_complete_path (commandline -ct) 'profile file')
        set -l p (string split -m1 \t -- $c)[1]
        if string match -q -- '*.toml' $p
            echo $c
        else if string match -q -- '*/' $p; and count $p*.toml >/dev/null
            echo $c
        end
    end
end

# Completes what follows `--` as a command line of its own.
function __sbx_command_line
    set -l tokens (commandline -opc)
    set -l i (contains -i -- -- $tokens)
    set -l rest
    if test $i -lt (count $tokens)
        set rest (string escape -- $tokens[(math $i + 1)..-1])
    end
    complete -C (string join ' ' -- $rest (commandline -ct))
end

complete -c sbx -f
complete -c sbx -n __sbx_after_dashdash -x -a '(__sbx_command_line)'
)FISH";

  for (const Command* c : all) {
    s << "\n# " << (c->name.empty() ? "sbx" : "sbx " + c->name) << "\n";
    std::string at = "-n " + fq("__sbx_at " + (c->name.empty() ? std::string("''") : c->name));
    if (c->name.empty()) {
      for (const auto& sub : m.commands)
        s << "complete -c sbx " << at << " -a " << fq(sub.name) << " -d " << fq(sub.desc) << "\n";
    }
    for (const auto& o : c->options) {
      s << "complete -c sbx " << at;
      for (const auto& n : o.names) s << (n.size() == 2 ? " -s " + n.substr(1) : " -l " + n.substr(2));
      if (o.value != Value::None) s << " " << fish_value(o);
      s << " -d " << fq(o.desc) << "\n";
    }
    for (size_t i = 0; i < c->positionals.size(); ++i) {
      const Arg& p = c->positionals[i];
      std::string cond = "__sbx_positional " + c->name + " " + std::to_string(i) + (p.repeats ? " more" : "");
      std::string what = fish_value(p);
      if (what.rfind("-r ", 0) == 0) what = "-F";  // a positional file: files, no "requires a value"
      else if (what.rfind("-x ", 0) == 0) what = what.substr(3);
      else if (what == "-x") continue;
      s << "complete -c sbx -n " << fq(cond) << " " << what;
      if (p.value == Value::Words) s << " -d " << fq(p.desc);  // others describe their own candidates
      s << "\n";
    }
  }
  return s.str();
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
  Model m = read_model(app);
  if (shell == "bash") return bash(m);
  if (shell == "zsh") return zsh(m);
  if (shell == "fish") return fish(m);
  throw Error("no completion for shell '" + shell + "' (bash, zsh or fish)");
}

}  // namespace sbx::cli
