#include "spec/from_profile_seccomp.hpp"

#include <algorithm>
#include <map>

#include "profile/location.hpp"
#include "profile/reader.hpp"
#include "seccomp/lint.hpp"
#include "seccomp/reserved.hpp"
#include "seccomp/syscall_names.hpp"
#include "spec/from_profile.hpp"
#include "util/error.hpp"
#include "util/names.hpp"
#include "util/strings.hpp"

namespace sbx {

namespace {


struct SeccompBuilder {
  Spec& spec;
  // Per rule of Seccomp::syscalls: where it was written, and where each name was.
  struct Origin {
    const toml::node* node;
    std::map<std::string, const toml::node*> names;
  };
  std::vector<Origin> origins;

  void add_rule(Seccomp& sc, SeccompSyscall s, const toml::node& where, const std::vector<StringEntry>& names) {
    Origin o{&where, {}};
    for (const auto& e : names) o.names.emplace(e.value, e.node);
    origins.push_back(std::move(o));
    sc.syscalls.push_back(std::move(s));
  }

  static std::vector<std::string> values(const std::vector<StringEntry>& entries) {
    std::vector<std::string> out;
    out.reserve(entries.size());
    for (const auto& e : entries) out.push_back(e.value);
    return out;
  }

  // sbx's own syscalls cannot be notified (seccomp/reserved.hpp).
  void refuse_reserved(TableReader& r, const std::vector<StringEntry>& names, const std::string& key) {
    for (const auto& e : names)
      if (auto why = notify_refusal_reason(e.value))
        r.fail(*e.node, r.key_path(key) + ": '" + e.value + "' cannot be notified: " + *why +
                            " (sbx refuses notifications on: " + join(syscalls_sbx_needs()) + ")");
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  uint32_t errno_value(TableReader& r, const toml::node& n, const std::string& key) {
    if (n.is_integer()) {
      auto v = n.as_integer()->get();
      if (v < 1 || v > 4095) r.fail(n, r.key_path(key) + " must be between 1 and 4095");
      return static_cast<uint32_t>(v);
    }
    if (!n.is_string()) r.fail_type(n, key, "an errno name like \"EPERM\" or a number");
    const auto& s = n.as_string()->get();
    auto e = errno_from_name(s);
    if (!e) r.fail(n, r.key_path(key) + ": unknown errno '" + s + "'" + did_you_mean(s, errno_names()));
    return static_cast<uint32_t>(*e);
  }

  std::vector<StringEntry> syscall_names(TableReader& r, const std::string& key) {
    std::vector<StringEntry> out;
    for (const auto& e : r.strings(key)) {
      if (!is_known_syscall(e.value))
        r.fail(*e.node, r.key_path(key) + ": unknown syscall '" + e.value + "'" + did_you_mean(e.value, known_syscalls()));
      out.push_back(e);
    }
    return out;
  }

  std::string action(TableReader& r, const std::string& key, const std::string& def) {
    auto a = r.string(key).value_or(def);
    auto oci = oci_action(a);
    if (!oci)
      r.fail(*r.get(key), r.key_path(key) + ": unknown action '" + a + "'" + did_you_mean(a, profile_action_names()) +
                              " (allow, errno, kill_process, kill_thread, trap, log, notify)");
    return *oci;
  }

  void seccomp(const toml::table& t) {
    TableReader r(t, "[seccomp]");
    Seccomp sc;
    sc.architectures = native_architectures();
    sc.default_action = action(r, "default_action", "allow");
    if (sc.default_action == "SCMP_ACT_NOTIFY")
      r.fail(*r.get("default_action"), "[seccomp] default_action cannot be notify: every syscall sbx and the workload make "
                                       "would wait for a listener; notify specific syscalls with [seccomp.notify]");
    if (const toml::node* de = r.get("default_errno")) sc.default_errno_ret = errno_value(r, *de, "default_errno");
    if (sc.default_action == "SCMP_ACT_ERRNO" && !sc.default_errno_ret) sc.default_errno_ret = 1;
    uint32_t deny_errno = 1;
    if (const toml::node* de = r.get("deny_errno")) deny_errno = errno_value(r, *de, "deny_errno");
    if (auto deny = syscall_names(r, "deny"); !deny.empty())
      add_rule(sc, {values(deny), "SCMP_ACT_ERRNO", deny_errno, {}}, *r.get("deny"), deny);
    if (auto allow = syscall_names(r, "allow"); !allow.empty())
      add_rule(sc, {values(allow), "SCMP_ACT_ALLOW", std::nullopt, {}}, *r.get("allow"), allow);
    if (r.boolean("log").value_or(false)) sc.flags.push_back("SECCOMP_FILTER_FLAG_LOG");
    if (auto u = r.string("unknown")) {
      if (*u != "enosys" && *u != "allow")
        r.fail(*r.get("unknown"), "[seccomp] unknown must be \"enosys\" or \"allow\", not \"" + *u + "\"");
      sc.unknown_enosys = *u == "enosys";
    }
    if (const toml::array* nums = r.array("allow_numbers")) {
      for (const auto& n : *nums) {
        if (!n.is_integer() || n.as_integer()->get() < 0 || n.as_integer()->get() > 0xffff)
          r.fail(n, "[seccomp] allow_numbers entries are syscall numbers of the native ABI, like 470");
        auto v = static_cast<uint32_t>(n.as_integer()->get());
        if (auto name = known_syscall_name(v))
          r.fail(n, "[seccomp] allow_numbers: " + std::to_string(v) + " is '" + *name +
                        "', which this libseccomp knows: allow it by name");
        sc.allow_numbers.push_back(v);
      }
      if (!sc.unknown_enosys)
        r.fail(*r.get("allow_numbers"), "[seccomp] allow_numbers only matters with unknown = \"enosys\"");
    }
    if (auto l = r.string("listener")) {
      sc.listener_path = at_key(r, *r.get("listener"), "listener", [&] { return normalize_sandbox_path(*l); });
    }
    if (auto m = r.string("listener_metadata")) {
      if (sc.listener_path.empty())
        r.fail(*r.get("listener_metadata"), "[seccomp] listener_metadata goes to the agent named by listener = "
                                            "\"/path/agent.sock\", which is not set");
      sc.listener_metadata = *m;
    }

    if (const toml::array* rules = r.array("rule")) {
      for (const auto& n : *rules) {
        const toml::table* rt = n.as_table();
        if (!rt) r.fail(n, "[[seccomp.rule]] entries must be tables");
        TableReader rr(*rt, "[[seccomp.rule]]");
        SeccompSyscall s;
        auto names = syscall_names(rr, "names");
        s.names = values(names);
        if (s.names.empty()) rr.fail(n, "[[seccomp.rule]] needs names = [\"syscall\", ...]");
        s.action = action(rr, "action", "errno");
        if (s.action == "SCMP_ACT_NOTIFY") {
          refuse_reserved(rr, names, "names");
          if (sc.listener_path.empty() && !r.get("notify"))
            rr.fail(*rr.get("action"), "[[seccomp.rule]] action = \"notify\" needs someone to answer: add a "
                                       "[seccomp.notify] table (sbx answers: allow or deny, with a log) or set "
                                       "[seccomp] listener = \"/path/agent.sock\" (an external agent answers)");
        }
        if (const toml::node* en = rr.get("errno")) {
          if (s.action != "SCMP_ACT_ERRNO") rr.fail(*en, "[[seccomp.rule]] errno only goes with action = \"errno\"");
          s.errno_ret = errno_value(rr, *en, "errno");
        } else if (s.action == "SCMP_ACT_ERRNO") {
          s.errno_ret = 1;
        }
        if (const toml::array* args = rr.array("args")) {
          for (const auto& an : *args) {
            const toml::table* at_ = an.as_table();
            if (!at_) rr.fail(an, "[[seccomp.rule]] args entries are tables like { index = 0, op = \"eq\", value = 1 }");
            TableReader ar(*at_, "[[seccomp.rule]] args");
            SeccompArg a;
            auto idx = ar.integer("index", 0, 5);
            if (!idx) ar.fail(an, "[[seccomp.rule]] args entry needs an index (0-5)");
            a.index = static_cast<uint32_t>(*idx);
            auto op = ar.string("op");
            if (!op) ar.fail(an, "[[seccomp.rule]] args entry needs an op (eq, ne, lt, le, gt, ge, masked_eq)");
            auto oop = oci_operator(*op);
            if (!oop)
              ar.fail(*ar.get("op"), "unknown op '" + *op + "'" + did_you_mean(*op, profile_operator_names()) +
                                         " (eq, ne, lt, le, gt, ge, masked_eq)");
            a.op = *oop;
            auto value = ar.get("value");
            if (!value || !value->is_integer()) ar.fail(value ? *value : an, "[[seccomp.rule]] args value must be an integer");
            a.value = static_cast<uint64_t>(value->as_integer()->get());
            if (auto v2 = ar.get("value_two")) {
              if (!v2->is_integer()) ar.fail(*v2, "[[seccomp.rule]] args value_two must be an integer");
              a.value_two = static_cast<uint64_t>(v2->as_integer()->get());
            }
            ar.finish();
            s.args.push_back(a);
          }
        }
        rr.finish();
        add_rule(sc, std::move(s), n, names);
      }
    }

    if (const toml::table* nt = r.table("notify")) {
      TableReader nr(*nt, "[seccomp.notify]");
      if (!sc.listener_path.empty())
        r.fail(*r.get("notify"), "[seccomp.notify] and [seccomp] listener cannot be used together: with "
                                 "[seccomp.notify] sbx answers the notifications itself (allow or deny, with a "
                                 "log); with listener = \"" + sc.listener_path + "\" an external agent does. "
                                 "Keep the one you mean (for the agent, mark syscalls with [[seccomp.rule]] "
                                 "action = \"notify\")");
      SbxExtensions::Notify notify;
      auto names = syscall_names(nr, "syscalls");
      notify.syscalls = values(names);
      if (notify.syscalls.empty()) nr.fail(*r.get("notify"), "[seccomp.notify] needs syscalls = [\"...\"]");
      refuse_reserved(nr, names, "syscalls");
      std::string act = nr.string("action").value_or("allow");
      if (act != "allow" && act != "deny")
        nr.fail(*nr.get("action"), "[seccomp.notify] action must be \"allow\" or \"deny\"" +
                                       did_you_mean(act, {"allow", "deny"}));
      notify.allow = act == "allow";
      if (const toml::node* en = nr.get("errno")) {
        if (notify.allow) nr.fail(*en, "[seccomp.notify] errno only goes with action = \"deny\"");
        notify.errno_ret = errno_value(nr, *en, "errno");
      }
      if (auto log = nr.string("log")) notify.log = at_key(nr, *nr.get("log"), "log", [&] { return normalize_sandbox_path(*log); });
      nr.finish();
      add_rule(sc, {notify.syscalls, "SCMP_ACT_NOTIFY", std::nullopt, {}}, *r.get("notify"), names);
      spec.sbx.notify = std::move(notify);
    }
    if (!sc.listener_path.empty() &&
        std::none_of(sc.syscalls.begin(), sc.syscalls.end(), [](const auto& s) { return s.action == "SCMP_ACT_NOTIFY"; }))
      r.fail(*r.get("listener"), "[seccomp] listener is set but no rule sends anything to it: mark syscalls with "
                                 "[[seccomp.rule]] action = \"notify\"");
    if (auto conflict = find_rule_conflict(sc)) {
      const Origin& u = origins[conflict->unconditional];
      const Origin& o = origins[conflict->other];
      auto at_name = [&](const Origin& og) {
        auto it = og.names.find(conflict->syscall);
        return it != og.names.end() ? it->second : og.node;
      };
      std::string other = where(at_name(o)->source());
      r.fail(*at_name(u), "[seccomp]: " + conflict->message + (other.empty() ? "" : " (the other rule: " + other + ")"));
    }
    r.finish();
    spec.linux.seccomp = std::move(sc);
  }
};

}  // namespace

void seccomp_from_profile(const toml::table& seccomp_table, Spec& spec) {
  const toml::table& t = seccomp_table;
  SeccompBuilder b{spec, {}};
  b.seccomp(t);
}

}  // namespace sbx
