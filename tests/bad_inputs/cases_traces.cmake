# Bad traces (issue 13): each must fail with exit code 2 and its message.
# A value beyond its column's physical limit (workloads/trace_columns.cc), located with the value and the limit.
bad_input(trace_huge_flops "trace_huge_flops.csv:9:50: flops: '1e40' is beyond the physical limit of 1e21 FLOP per op" run --model workloads/models/llama-3.1-8b.json --trace @trace_huge_flops.csv)
bad_input(trace_huge_bytes "trace_huge_bytes.jsonl:3:1: kv_read_bytes: '2.5e+17' is beyond the physical limit of 1e15 bytes per op" run --model workloads/models/llama-3.1-8b.json --trace @trace_huge_bytes.jsonl)
bad_input(trace_huge_elements "trace_huge_elements.csv:8:34: m: '40960000000000000000' is beyond the physical limit of 1e15 elements" run --model workloads/models/llama-3.1-8b.json --trace @trace_huge_elements.csv)
# A header error names the column it expected and what it found.
bad_input(trace_renamed_column "trace_renamed_column.csv:6:76: column 14: expected 'flops', found 'flop'; did you mean 'flops'?" run --model workloads/models/llama-3.1-8b.json --trace @trace_renamed_column.csv)
bad_input(trace_dropped_column "trace_dropped_column.csv:6:32: column 5: expected 'sequences', found 'layer'; the header has no 'sequences' column" run --model workloads/models/llama-3.1-8b.json --trace @trace_dropped_column.csv)
# At most 20 errors a file: the header's 2 and 30 rows of 21 fields are 32, so 12 are counted.
bad_input(trace_dropped_column_capped "trace_dropped_column.csv: ... and 12 more errors in the same file" run --model workloads/models/llama-3.1-8b.json --trace @trace_dropped_column.csv)
# A trace in the other format than its name says is one error, not one per row.
bad_input(trace_jsonl_named_csv "trace_jsonl_named.csv:1:1: expected the header 'device,stage,attn_rank,tp_rank,sequences,layer,name,kind,dtype,m,n,k,count,flops,weight_bytes,activation_bytes,kv_read_bytes,kv_write_bytes,collective,group,group_size,comm_bytes', found a JSON object: a JSON-lines trace is read from a file named .jsonl" run --model workloads/models/llama-3.1-8b.json --trace @trace_jsonl_named.csv)
bad_input(trace_csv_named_jsonl "trace_csv_named.jsonl:1:1: expected a first line {\"format\": \"tokenfab-trace\", ...}, found '#' metadata: a CSV trace is read from a file named .csv" run --model workloads/models/llama-3.1-8b.json --trace @trace_csv_named.jsonl)
# Fuzz findings (docs/reliability.md): a number beyond a double and a format that is not a string.
bad_input(trace_number_overflow "trace_number_overflow.jsonl:2:1: a number too large for a double" run --model workloads/models/llama-3.1-8b.json --trace @trace_number_overflow.jsonl)
bad_input(trace_numeric_format "trace_numeric_format.jsonl:1:1: format: expected a first line" run --model workloads/models/llama-3.1-8b.json --trace @trace_numeric_format.jsonl)
