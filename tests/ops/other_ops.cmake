# Ops other than conv2d and matmul (eltwise, pools, concat, softmax, topk): tests added here.
