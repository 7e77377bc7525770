"""The entrance's interceptor chain: what happens to a job's code between its submission
and its scheduling (docs/reference/linkis-interceptors.md).

    chain.py       the interceptors in their real order, and how a refusal is reported
    variables.py   variable substitution: sources, precedence, `${...}`, `@set`, numbers
    dates.py       run_date and the date built-ins, SimpleDateFormat and Calendar rules
    operations.py  `&{...}` date formats (DateTimeFormatter) and json code
    sql_limit.py   the IDE's SQL limit
    comments.py    SQL comment stripping
    checks.py      the shell blacklist and the Spark and Scala code checks
    languages.py   codeType -> language
    java.py        the JDK behaviours these rely on (trim, split, parseInt, BigDecimal)
"""
