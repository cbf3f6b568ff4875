"""RubyLLM API manifests generated from the gem source, and the index the rules query."""
