# source: Checkov CKV_DOCKER secrets / dockle CIS-DI-0010
# expect-not: DF-015 DF-014
FROM alpine:3.20
ENV APP_HOME=/srv/app
