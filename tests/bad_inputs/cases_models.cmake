# Bad model config.json files (issue 13): each must fail with exit code 2 and its message.
# A count must be a JSON integer: a shipped config with one value of the wrong kind.
bad_input(model_string_count "model_string_count.json:14:18: hidden_size: expected an integer, got the string \"8192\"" run --model @model_string_count.json)
bad_input(model_fractional_count "model_fractional_count.json:30:26: num_experts_per_tok: expected an integer, got the number 8.5" run --model @model_fractional_count.json)
bad_input(model_boolean_count "model_boolean_count.json:25:26: num_key_value_heads: expected an integer, got the boolean true" run --model @model_boolean_count.json)
bad_input(model_negative_count "model_negative_count.json:57:24: num_hidden_layers: expected an integer from 1 to 16777216, got -36" run --model @model_negative_count.json)
bad_input(model_stray_char "model_stray_char.json:2:4: syntax error" run --model @model_stray_char.json)
bad_input(model_number_overflow "model_number_overflow.json:1:1: a number too large for a double" run --model @model_number_overflow.json)
