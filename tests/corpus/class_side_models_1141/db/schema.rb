ActiveRecord::Schema[7.2].define(version: 2025_03_14_101500) do
  enable_extension "plpgsql"

  create_table "chats", force: :cascade do |t|
    t.string "model_id"
    t.string "title"
    t.string "type"
    t.integer "status", default: 0, null: false
    t.bigint "workspace_id", null: false
    t.datetime "archived_at"
    t.timestamps
    t.index ["workspace_id"], name: "index_chats_on_workspace_id"
  end

  create_table "messages", force: :cascade do |t|
    t.bigint "chat_id", null: false
    t.string "role", null: false
    t.text "content"
    t.string "model_id"
    t.integer "input_tokens"
    t.integer "output_tokens"
    t.bigint "tool_call_id"
    t.timestamps
  end

  create_table "tool_calls", force: :cascade do |t|
    t.bigint "message_id", null: false
    t.string "tool_call_id", null: false
    t.string "name", null: false
    t.jsonb "arguments", default: {}
    t.timestamps
  end

  create_table "workspaces", force: :cascade do |t|
    t.string "name", null: false
    t.string "slug", null: false
    t.timestamps
  end
end
