# source: BuildKit SecretsUsedInArgOrEnv lint test
# expect: DF-014
FROM scratch
ARG super_duper_secret_token=foo
