# source: BuildKit SecretsUsedInArgOrEnv lint test
# expect: DF-014
FROM scratch
ARG SECRET_PASSPHRASE
