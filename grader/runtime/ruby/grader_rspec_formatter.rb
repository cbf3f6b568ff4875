# RSpec formatter the grader adds through SPEC_OPTS in the test container. Like the Minitest
# plugin, it writes the counts RSpec's reporter saw, with the run's token, to the process's own
# stdout, so a summary the suite prints itself is not believed.
require "json"

class GraderRSpecFormatter
  RSpec::Core::Formatters.register self, :dump_summary

  def initialize(_output)
    @out = IO.for_fd(1, autoclose: false)
  end

  def dump_summary(summary)
    token = ENV["GRADER_RESULT_TOKEN"].to_s
    return if token.empty?

    counts = { "runs" => summary.example_count, "assertions" => 0, "failures" => summary.failure_count,
               "errors" => summary.errors_outside_of_examples_count, "skips" => summary.pending_count }
    @out.write("\nGRADER-RESULT #{token} #{JSON.generate(counts)}\n")
    @out.flush
  rescue StandardError
    nil
  end
end
