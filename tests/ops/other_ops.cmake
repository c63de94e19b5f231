# Ops other than conv2d and matmul (eltwise, pools, concat, softmax, topk).
ttnn_add_test_executable(other_ops_tests
  eltwise_test.cpp concat_test.cpp pool_test.cpp softmax_test.cpp topk_test.cpp tensor_rows_test.cpp tensor_rows_random_test.cpp)
ttnn_use_oracle(other_ops_tests)
