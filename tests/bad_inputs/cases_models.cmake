# Bad model config.json files (issue 13): each must fail with exit code 2 and its message.
