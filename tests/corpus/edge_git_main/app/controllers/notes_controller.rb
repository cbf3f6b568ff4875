class NotesController < ApplicationController
  def create
    commits = params.require(:commits)
    render json: { notes: ReleaseNotes.new(commits).draft }
  end

  def templates
    render json: RubyLLM::PromptLibrary.names
  end
end
