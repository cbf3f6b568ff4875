ActiveRecord::Schema[8.0].define(version: 2025_06_01_120000) do
  enable_extension "pg_catalog.plpgsql"

  create_table "chats", force: :cascade do |t|
    t.references "user", null: false, foreign_key: true
    t.references "model", foreign_key: true
    t.string "title"
    t.text "summary"
    t.integer "status", default: 0, null: false
    t.timestamps
    t.index ["user_id", "updated_at"]
  end

  create_table "messages", force: :cascade do |t|
    t.references "chat", null: false, foreign_key: true
    t.references "model", foreign_key: true
    t.references "tool_call", foreign_key: true
    t.string "role", null: false
    t.text "content"
    t.json "content_raw"
    t.integer "input_tokens"
    t.integer "output_tokens"
    t.timestamps
  end

  create_table "models", force: :cascade do |t|
    t.string "model_id", null: false
    t.string "name", null: false
    t.string "provider", null: false
    t.string "family"
    t.integer "context_window"
    t.integer "max_output_tokens"
    t.jsonb "capabilities", default: []
    t.jsonb "pricing", default: {}
    t.jsonb "metadata", default: {}
    t.timestamps
  end

  create_table "tickets", force: :cascade do |t|
    t.references "user", null: false, foreign_key: true
    t.references "model", foreign_key: true
    t.string "subject"
    t.datetime "discarded_at"
    t.timestamps
  end

  create_table "ticket_messages", force: :cascade do |t|
    t.references "ticket", null: false, foreign_key: true
    t.string "role", null: false
    t.text "content"
    t.timestamps
  end

  create_table "tool_calls", force: :cascade do |t|
    t.references "message", null: false, foreign_key: true
    t.string "tool_call_id", null: false
    t.string "name", null: false
    t.jsonb "arguments", default: {}
    t.timestamps
  end

  create_table "users", force: :cascade do |t|
    t.string "email", null: false
    t.timestamps
  end
end
