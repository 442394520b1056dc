    ret
