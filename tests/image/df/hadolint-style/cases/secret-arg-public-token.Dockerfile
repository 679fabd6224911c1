# source: BuildKit SecretsUsedInArgOrEnv lint test
# expect-not: DF-014
FROM scratch
ARG public_token
