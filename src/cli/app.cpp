#include "cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "util/colour.hpp"
#include "util/error.hpp"
#include "util/startup_trace.hpp"
#include "util/strings.hpp"

#ifndef SBX_VERSION
#define SBX_VERSION "0.0.0"
#endif

namespace sbx::cli {

struct AppModel {
  CLI::App app{"sbx: run untrusted builds in a rootless Linux sandbox configured by a TOML profile", "sbx"};
  RunOptions run;
  CheckOptions check;
  ExportOptions exp;
  bool names_only = false;
  std::string completion_shell;
  std::string help_topic;
  CLI::App* run_cmd = nullptr;
  CLI::App* check_cmd = nullptr;
  CLI::App* export_cmd = nullptr;
  CLI::App* profiles_cmd = nullptr;
  CLI::App* features_cmd = nullptr;
  CLI::App* completion_cmd = nullptr;
  CLI::App* help_cmd = nullptr;
};

CLI::App& root(AppModel& m) { return m.app; }

namespace {

void add_overrides(CLI::App* c, Overrides& o) {
  c->add_option("--ro", o.ro, "Bind SRC[:DEST] read-only (repeatable)")->type_name("SRC[:DEST]")->group("Overrides");
  c->add_option("--rw", o.rw, "Bind SRC[:DEST] read-write (repeatable)")->type_name("SRC[:DEST]")->group("Overrides");
  c->add_option("--tmpfs", o.tmpfs, "Mount a fresh tmpfs at DEST (repeatable)")->type_name("DEST")->group("Overrides");
  c->add_option("--env", o.env, "Set an environment variable (repeatable)")->type_name("NAME=VALUE")->group("Overrides");
  c->add_option("--keep-env", o.keep_env, "Keep a caller's variable or pattern (repeatable)")
      ->type_name("NAME")
      ->group("Overrides");
  c->add_option("--network", o.network, "Network: none (loopback only) or host")
      ->type_name("none|host")
      ->group("Overrides");
  c->add_option("--timeout", o.timeout, "Kill the workload after DURATION (exit 124), like 90s, 30m")
      ->type_name("DURATION")
      ->group("Overrides");
  c->add_option("--cwd", o.cwd, "Working directory inside the sandbox")->type_name("DIR")->group("Overrides");
  c->add_option("--hostname", o.hostname, "Hostname inside the sandbox")->type_name("NAME")->group("Overrides");
  c->add_flag("--seccomp-log", o.seccomp_log, "Log every non-allowed syscall (SECCOMP_FILTER_FLAG_LOG)")
      ->group("Overrides");
}

}  // namespace

namespace {

// "Usage: sbx run [OPTIONS] [PROFILE] -- CMD [ARGS...]" instead of CLI11's "Usage: run ...".
class Formatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    static const std::map<std::string, std::string> forms = {
        {"run", "sbx run [OPTIONS] [PROFILE] -- CMD [ARGS...]\n       sbx run [OPTIONS] --bundle DIR [-- CMD [ARGS...]]"},
        {"check", "sbx check [--json] [--full] [PROFILE...]"},
        {"export", "sbx export [OPTIONS] [PROFILE] -- CMD [ARGS...]\n       sbx export --seccomp-json [PROFILE]"},
        {"profiles", "sbx profiles [--names]"},
        {"features", "sbx features"},
        {"completion", "sbx completion bash|zsh|fish"},
        {"help", "sbx help [COMMAND]"},
    };
    if (!app->get_parent()) return "\nUsage: sbx [--version] COMMAND ...\n";
    auto it = forms.find(app->get_name());
    if (it == forms.end()) return CLI::Formatter::make_usage(app, std::move(name));
    return "\nUsage: " + it->second + "\n";
  }
};

}  // namespace

std::unique_ptr<AppModel> make_app() {
  auto m = std::make_unique<AppModel>();
  CLI::App& app = m->app;
  app.formatter(std::make_shared<Formatter>());
  app.set_version_flag("-V,--version", std::string("sbx ") + SBX_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Run `sbx help COMMAND` for a command's options, `man sbx` and `man sbx-profile` for everything.\n"
      "Exit status: the workload's own; 128+N if it died of signal N; 124 on timeout; 125 for sbx's own\n"
      "failures; 126 if the command cannot be executed; 127 if it is not found.");

  m->run_cmd = app.add_subcommand("run", "Run a command in a sandbox: sbx run [OPTIONS] [PROFILE] -- CMD [ARGS...]");
  m->run_cmd->add_option("profile", m->run.profile,
                         "Profile: a path (with a '/' or .toml suffix) or a name; default: the built-in default")
      ->type_name("PROFILE");
  add_overrides(m->run_cmd, m->run.overrides);
  m->run_cmd->add_flag("-v,--verbose", m->run.verbose, "Print each setup step on stderr");
  m->run_cmd->add_option("--json-status", m->run.json_status,
                         "Write pid, namespace ids, exit code or signal and duration as JSON to FILE")
      ->type_name("FILE");
  m->run_cmd->add_option("--audit", m->run.audit,
                         "Log every syscall the filter denies (still denied) to FILE as JSON lines")
      ->type_name("FILE");

  m->run_cmd->add_option("--bundle", m->run.bundle,
                         "Run the OCI bundle in DIR (DIR/config.json) instead of a profile; the command after "
                         "`--`, if any, replaces process.args")
      ->type_name("DIR");

  m->check_cmd = app.add_subcommand("check", "Validate profiles and print their settings");
  m->check_cmd->add_option("profiles", m->check.profiles, "Profiles to check (default: the built-in default)")
      ->type_name("PROFILE");
  m->check_cmd->add_flag("--json", m->check.json, "Print JSON for tools instead of TOML for people");
  m->check_cmd->add_flag("--full", m->check.full,
                         "Print the whole resolved profile, inherited settings included, not only its own");

  m->export_cmd = app.add_subcommand(
      "export", "Print the OCI runtime-spec config.json: sbx export [OPTIONS] [PROFILE] -- CMD [ARGS...]");
  m->export_cmd->add_option("profile", m->exp.profile, "Profile (default: the built-in default)")->type_name("PROFILE");
  m->export_cmd->add_option("--bundle", m->exp.bundle, "Write DIR/config.json and DIR/rootfs (the mount points and symlinks runc and crun need) instead")
      ->type_name("DIR");
  m->export_cmd->add_flag("--seccomp-json", m->exp.seccomp_json,
                          "Print only the seccomp filter, as an OCI/Docker seccomp profile");
  add_overrides(m->export_cmd, m->exp.overrides);

  m->profiles_cmd = app.add_subcommand("profiles", "List available profiles and where they come from");
  m->profiles_cmd->add_flag("--names", m->names_only, "Print only the names, one per line");

  m->features_cmd = app.add_subcommand("features", "Print what this sbx supports, as an OCI features document");

  m->completion_cmd = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  m->completion_cmd->add_option("shell", m->completion_shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));

  m->help_cmd = app.add_subcommand("help", "Show help for sbx or one command");
  m->help_cmd->add_option("command", m->help_topic, "A command")->type_name("COMMAND");
  return m;
}

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> out;
  for (auto* s : app.get_subcommands({})) out.push_back(s->get_name());
  return out;
}

std::vector<std::string> option_names(CLI::App& app) {
  std::vector<std::string> out;
  for (const auto* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
  }
  return out;
}

// CLI11's message, plus a "did you mean" where a word was misspelt.
std::string explain(const CLI::ParseError& e, AppModel& m, const std::vector<std::string>& args) {
  std::string msg = e.what();
  CLI::App* active = &m.app;
  for (auto* s : m.app.get_subcommands()) active = s;
  if (args.empty()) return "a command is required; commands: " + join(subcommand_names(m.app));
  if (active == m.completion_cmd && dynamic_cast<const CLI::RequiredError*>(&e))
    return "`sbx completion` needs a shell: bash, zsh or fish";
  for (const auto& a : args) {
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      std::string opt = a.substr(0, a.find('='));
      auto names = option_names(*active);
      names.push_back("--help");
      if (std::find(names.begin(), names.end(), opt) == names.end())
        return "unknown option '" + opt + "' for `sbx " + (active == &m.app ? std::string() : active->get_name()) +
               "`" + did_you_mean(opt, names);
    }
  }
  if (const auto* extras = dynamic_cast<const CLI::ExtrasError*>(&e); extras && active != &m.app) {
    (void)extras;
    for (const auto& a : args)
      if (a != active->get_name() && a[0] != '-')
        return "`sbx " + active->get_name() + "` takes no argument '" + a + "'" +
               (active == m.run_cmd ? " (the command goes after `--`: sbx run [PROFILE] -- CMD)" : "");
  }
  if (active == &m.app && args[0][0] != '-') {
    auto names = subcommand_names(m.app);
    return "unknown command '" + args[0] + "'" + did_you_mean(args[0], names) + "; commands: " + join(names);
  }
  return msg;
}

}  // namespace

namespace {

int run_main(int argc, char** argv) {
  // Everything after the first "--" is the command, untouched by option parsing.
  std::vector<std::string> args, command;
  bool separator = false;
  for (int i = 1; i < argc; ++i) {
    if (!separator && std::string(argv[i]) == "--") {
      separator = true;
      continue;
    }
    (separator ? command : args).emplace_back(argv[i]);
  }

  // `sbx run ... -- COMMAND`: the sandbox's namespaces are started before anything is
  // parsed, the command line included (launch/prestart.hpp); a wrong guess costs a
  // process that is killed and reaped.
  std::unique_ptr<Prestart> pre;
  if (!args.empty() && args[0] == "run" && !command.empty()) pre = Prestart::begin();

  auto model = make_app();
  SBX_TRACE_POINT("parent: CLI built");
  AppModel& m = *model;
  try {
    std::vector<std::string> rev(args.rbegin(), args.rend());
    m.app.parse(rev);
    SBX_TRACE_POINT("parent: CLI parsed");
  } catch (const CLI::CallForHelp& e) {
    return m.app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return m.app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return m.app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s%s\nRun `sbx --help` for usage.\n", error_prefix().c_str(), explain(e, m, args).c_str());
    return kExitSbxFailure;
  }

  try {
    if (m.run_cmd->parsed()) {
      m.run.command = command;
      m.run.saw_separator = separator;
      int status = cmd_run(m.run, std::move(pre));
      // The sandbox is over and reported; what is left to free (the CLI model, static
      // objects) the kernel frees faster at exit. Flushed, then gone.
      std::fflush(nullptr);
      SBX_TRACE_POINT("parent: exit");
      ::_exit(status);
    }
    if (m.check_cmd->parsed()) {
      if (separator) throw Error("`sbx check` takes no command after `--`");
      return cmd_check(m.check);
    }
    if (m.export_cmd->parsed()) {
      m.exp.command = command;
      m.exp.saw_separator = separator;
      return cmd_export(m.exp);
    }
    if (m.profiles_cmd->parsed()) return cmd_profiles(m.names_only);
    if (m.features_cmd->parsed()) return cmd_features();
    if (m.completion_cmd->parsed()) {
      std::cout << completion_script(m.app, m.completion_shell);
      return 0;
    }
    if (m.help_cmd->parsed()) {
      if (m.help_topic.empty()) {
        std::cout << m.app.help();
        return 0;
      }
      for (auto* s : m.app.get_subcommands({}))
        if (s->get_name() == m.help_topic) {
          std::cout << s->help();
          return 0;
        }
      throw Error("no command '" + m.help_topic + "'" + did_you_mean(m.help_topic, subcommand_names(m.app)) +
                  "; commands: " + join(subcommand_names(m.app)));
    }
  } catch (const Errors& e) {
    for (const auto& m : e.list()) std::fprintf(stderr, "%s%s\n", error_prefix().c_str(), m.c_str());
    return kExitSbxFailure;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s%s\n", error_prefix().c_str(), e.what());
    return kExitSbxFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%sinternal error: %s\n", error_prefix().c_str(), e.what());
    return kExitSbxFailure;
  }
  return kExitSbxFailure;
}

}  // namespace

int main(int argc, char** argv) noexcept {
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sbx: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "sbx: internal error\n");
  }
  return kExitSbxFailure;
}

}  // namespace sbx::cli
