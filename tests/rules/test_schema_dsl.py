RULE = "rubyllm/schema-dsl"


def test_unknown_schema_dsl(run_app):
    found = run_app({"app/schemas/s.rb": """
        class PersonSchema < RubyLLM::Schema
          string :name, description: "n"
          integer :age, required: false
          array :tags, of: :string
          array :items do
            object do
              string :label
            end
          end
          property :email
        end
    """}, full=True)
    assert [(f.line, f.rule) for f in found] == [(10, RULE)]


def test_non_schema_class_is_not_checked(run_app):
    assert run_app({"app/a.rb": "class Form\n  property :email\nend\n"}) == []
