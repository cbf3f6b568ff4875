"""A failed `bundle install` is reported in Bundler's words: the logs below are what the base image's
Bundler 2.3.15 printed for two real apps and for a Gemfile asking for gems it lacks."""

# ruff: noqa: E501 - the build log below is quoted verbatim, long lines and all

from __future__ import annotations

from grader.runtime.builds import _bundle_failure_explained
from grader.runtime.bundler_log import bundler_failure
from grader.runtime import models
from grader.runtime.models import StepStatus
from grader.runtime.options import RuntimeOptions

OPTIONS = ", ".join(f":{name}" for name in ("ruby", "ruby_18", "mri", "jruby", "mswin", "x64_mingw_31"))
PARSE_ERROR_LOG = f"""Step 6/7 : RUN bundle install --local || bundle install
 ---> Running in 9ebe8bf3b035
Don't run Bundler as root. Bundler can ask for sudo if it is needed, and
Bundler 2.3.15 is running, but your lockfile was generated with 2.5.22. Installing Bundler 2.5.22 and restarting using that version.
There was an error installing the locked bundler version (2.5.22), rerun with the `--verbose` flag for more details. Going on using bundler 2.3.15.

[!] There was an error parsing `Gemfile`: `windows` is not a valid platform. The available options are: [{OPTIONS}]. Bundler cannot continue.

 #  from /grader-bundle/Gemfile:26
 #  -------------------------------------------
 #  # Windows does not include zoneinfo files, so bundle the tzinfo-data gem
 >  gem "tzinfo-data", platforms: %i[ windows jruby ]
Removing intermediate container 9ebe8bf3b035
The command '/bin/sh -c bundle install --local || bundle install' returned a non-zero code: 4
"""
DOCKER_ERROR = "The command '/bin/sh -c bundle install --local || bundle install' returned a non-zero code: 4"


def test_bundlers_own_reason_is_found_in_the_log():
    assert bundler_failure(PARSE_ERROR_LOG) == (
        "Bundler cannot read the Gemfile: `windows` is not a valid platform (Gemfile line 26); "
        "the image has Bundler 2.3.15, the lockfile was made with 2.5.22")
    assert bundler_failure("Could not find gem 'rails (~> 8.0)' in locally installed gems.\n\nThe source contains "
                           "the following gems matching 'rails':\n  * rails-6.1.7.10\n") == (
        "the image lacks gem rails (~> 8.0)")
    assert bundler_failure("Could not find rails-8.0.2, puma-6.4.0 in locally installed gems\n") == (
        "the image lacks rails-8.0.2, puma-6.4.0")
    assert bundler_failure("Your Ruby version is 3.1.2, but your Gemfile specified 3.3.5\n") == (
        "the Gemfile asks for Ruby 3.3.5, the image has Ruby 3.1.2")
    assert bundler_failure("Step 1/2 : RUN make\nmake: *** No rule to make target\n") is None


def test_a_hostile_gem_name_stays_one_bounded_line():
    said = bundler_failure("Could not find gem '" + "x" * 5000 + "\n# injected' in locally installed gems.")
    assert said == "the image lacks gem " + "x" * (240 - len("the image lacks gem "))  # cut to 240, line kept
    folded = bundler_failure("Could not find gem 'rails\n# injected (~> 8.0)' in locally installed gems.")
    assert folded == "the image lacks gem rails # injected (~> 8.0)"  # a newline in repo text folds to a space
    long = bundler_failure("Could not find " + ", ".join(f"gem{n}-1.0.0" for n in range(500)) + " in any of the sources")
    assert long is not None and len(long) <= 240


def _failed_step() -> models.TestImageStep:
    return models.TestImageStep(status=StepStatus.failed, reason=DOCKER_ERROR)


def test_the_step_says_bundlers_reason_and_offline_it_is_skipped_with_the_flags_that_help():
    offline = _bundle_failure_explained(_failed_step(), PARSE_ERROR_LOG, RuntimeOptions(), "grader-base:bookworm")
    assert offline.status is StepStatus.skipped
    assert offline.reason.startswith("bundle install failed: Bundler cannot read the Gemfile: `windows` is not")
    assert offline.reason.endswith("pass a --base-image that has the app's Ruby and gems, --gem-mirror URL, "
                                   "or --build-network)")
    online = _bundle_failure_explained(_failed_step(), PARSE_ERROR_LOG, RuntimeOptions(build_network=True), "b")
    assert online.status is StepStatus.failed and "no network" not in online.reason
    unexplained = _bundle_failure_explained(_failed_step(), "no words of Bundler\n", RuntimeOptions(build_network=True),
                                            "b")
    assert unexplained.reason == DOCKER_ERROR  # nothing better to say: Docker's line stays


def test_a_long_run_of_name_characters_is_read_in_linear_time():
    # a repo's Gemfile may print anything before it fails: a 200k run of `a-1` would backtrack for hours
    # through unbounded name/version runs; bounded runs read it at once (a hang here is the failure)
    noise = "Could not find " + "a-1" * 70_000 + " in nowhere\n"
    assert bundler_failure(noise + "Could not find rails-8.0.2 in locally installed gems\n") == "the image lacks rails-8.0.2"


# What trixie's Bundler 2.6.7 printed for a real Rails 8.0 app offline (list cut here): the missing gems
# wrap over lines, and the network error of the second `bundle install` comes after them.
WRAPPED_LOG = """Step 6/7 : RUN bundle install --local || bundle install
 ---> Running in d2819cccee38
Could not find rails-8.0.2, propshaft-1.1.0, sqlite3-2.7.0-x86_64-linux-gnu,
puma-6.6.0, importmap-rails-2.1.0, turbo-rails-2.0.16,
stimulus-rails-1.3.4 in locally installed gems
Don't run Bundler as root. Installing your bundle as root will break this
application for all non-root users on this machine.
Could not reach host index.rubygems.org. Check your network connection and try
again.
Removing intermediate container d2819cccee38
The command '/bin/sh -c bundle install --local || bundle install' returned a non-zero code: 17
"""
# Bundler 2.6.7 on a Gemfile whose `ruby file: ".ruby-version"` names a file the build did not have.
RAISED_LOG = """Step 6/7 : RUN bundle install --local || bundle install
Don't run Bundler as root. Installing your bundle as root will break this
application for all non-root users on this machine.
/usr/share/rubygems-integration/all/gems/bundler-2.6.7/lib/bundler.rb:521:in `initialize': No such file or directory @ rb_sysopen - /grader-bundle/.ruby-version (Errno::ENOENT)
\tfrom /usr/share/rubygems-integration/all/gems/bundler-2.6.7/lib/bundler.rb:521:in `open'
\tfrom /usr/bin/bundle:25:in `<main>'
Removing intermediate container 63406bb2eaf8
The command '/bin/sh -c bundle install --local || bundle install' returned a non-zero code: 1
"""


def test_a_wrapped_list_of_missing_gems_is_counted_not_mistaken_for_a_network_error():
    assert bundler_failure(WRAPPED_LOG) == ("the image lacks 7 of the locked gems: rails-8.0.2, propshaft-1.1.0, "
                                            "sqlite3-2.7.0-x86_64-linux-gnu, puma-6.6.0 and 3 more")


def test_an_unknown_failure_is_told_by_its_error_line_not_by_docker_s_exit_code():
    assert bundler_failure(RAISED_LOG) is None
    step = _bundle_failure_explained(_failed_step(), RAISED_LOG, RuntimeOptions(), "grader-base:trixie")
    assert step.reason.startswith("bundle install failed: No such file or directory @ rb_sysopen - "
                                  "/grader-bundle/.ruby-version (Errno::ENOENT) (builds have no network")


def test_a_list_wrapped_before_where_bundler_looked_is_still_read():
    log = "Could not find rails-8.1.2, pg-1.6.3, puma-7.2.0, rake-13.4.2, erb-6.0.7, crass-1.0.7 in\nlocally installed gems\n"
    assert bundler_failure(log) == "the image lacks 6 of the locked gems: rails-8.1.2, pg-1.6.3, puma-7.2.0, rake-13.4.2 and 2 more"


def test_a_gem_from_git_is_named_with_its_repository():
    log = ("Fetching https://github.com/excid3/jbuilder.git\nYou need to install git to be able to use gems from git "
           "repositories. For help\ninstalling git, please refer to GitHub's tutorial\nCould not reach host "
           "index.rubygems.org. Check your network connection and try\nagain.\n")
    said = ("the Gemfile takes gems from a git repository (https://github.com/excid3/jbuilder.git) and the image has "
            "no git (no gem mirror serves it)")
    assert bundler_failure(log) == said
    # Bundler colours its errors even in a build's log: the colour codes do not hide the cause
    assert bundler_failure(log.replace("You need", "\x1b[31mYou need").replace("again.", "again.\x1b[0m")) == said


def test_a_list_of_ambiguous_gem_names_is_read_without_retrying_every_split():
    # `a-1a-1...` splits into name and version at every `-1`: without atomic gems the list retries each split of
    # each gem (6 names took 44 s, ~15x per name); 12 such names would hang for days (a hang is the failure)
    gem = "-1".join(["a"] * 40)
    log = "Could not find " + ", ".join([gem] * 12) + " in nowhere\n"
    assert bundler_failure(log + "Could not find rails-8.0.2 in locally installed gems\n") == \
        "the image lacks rails-8.0.2"
