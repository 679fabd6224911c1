# source: BuildKit SecretsUsedInArgOrEnv lint test
# expect: DF-014
FROM scratch
ENV apikey=bar
