"""Typer commands of the `grader` CLI. Modules here import typer only at load time; each command
imports its stage inside its body so `grader check` stays light."""
