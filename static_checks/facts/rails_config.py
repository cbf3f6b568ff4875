"""Rails frameworks the brief said to leave out (Active Record, Action Mailer, Active Job), Puma workers."""

from __future__ import annotations

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, literal

FRAMEWORKS = ("active_record", "action_mailer", "active_job")
# What each require loads (engines that need Active Record / Active Job pull them in).
REQUIRE_LOADS: dict[str, tuple[str, ...]] = {
    "rails/all": FRAMEWORKS,
    "active_record/railtie": ("active_record",),
    "action_mailer/railtie": ("action_mailer",),
    "active_job/railtie": ("active_job",),
    "active_storage/engine": ("active_record", "active_job"),
    "action_mailbox/engine": ("active_record", "active_job"),
    "action_text/engine": ("active_record", "active_job"),
}
# Files that only make sense with the framework on.
LEFTOVER_FILES: dict[str, tuple[str, ...]] = {
    "active_record": ("config/database.yml", "app/models/application_record.rb", "db/schema.rb"),
    "action_mailer": ("app/mailers/application_mailer.rb",),
    "active_job": ("app/jobs/application_job.rb",),
}


@collector(ids=["rails.frameworks_left_on", "rails.active_record_on", "rails.action_mailer_on",
                                "rails.active_job_on", "rails.framework_config_left"])
def frameworks(ctx: FactContext):
    loaded: dict[str, list] = {f: [] for f in FRAMEWORKS}
    app_pf = ctx.parsed_file("config/application.rb")
    if app_pf is not None:
        for call in ctx.index(app_pf).calls("require"):
            a = args(call)
            target = literal(a[0]) if a else None
            for fw in REQUIRE_LOADS.get(target or "", ()):
                loaded[fw].append(ctx.ev(app_pf, call))
    leftover: dict[str, list] = {f: [] for f in FRAMEWORKS}
    for fw, files in LEFTOVER_FILES.items():
        leftover[fw].extend(ctx.ev_text(ctx.app_rel(f), 1) for f in files if ctx.exists(ctx.app_rel(f)))
    for pf in ctx.app_files("config", kind="ruby"):
        for call in ctx.index(pf).calls(*FRAMEWORKS):
            recv = call.child_by_field_name("receiver")
            if recv is not None and pf.text(recv) == "config":
                leftover[pf.text(call.child_by_field_name("method"))].append(ctx.ev(pf, call))
    rule = "facts/rails/frameworks"
    on = [fw for fw in FRAMEWORKS if loaded[fw]]
    left = [fw for fw in FRAMEWORKS if loaded[fw] or leftover[fw]]
    note = None if app_pf else "no config/application.rb"
    out = [fact("rails.frameworks_left_on", on, rule, [e for fw in on for e in loaded[fw][:1]], note)]
    out += [fact(f"rails.{fw}_on", bool(loaded[fw]), rule, loaded[fw][:3], note) for fw in FRAMEWORKS]
    out.append(fact("rails.framework_config_left", left, "facts/rails/leftover-config",
                    [e for fw in left for e in (loaded[fw] + leftover[fw])[:3]]))
    return out


@collector(ids=["puma.workers_configured"])
def puma_workers(ctx: FactContext):
    pf = ctx.parsed_file("config/puma.rb")
    calls = [c for c in ctx.index(pf).calls("workers") if c.child_by_field_name("receiver") is None] if pf else []
    return [fact("puma.workers_configured", bool(calls), "facts/rails/puma-workers", [ctx.ev(pf, c) for c in calls],
                 None if pf else "no config/puma.rb")]
