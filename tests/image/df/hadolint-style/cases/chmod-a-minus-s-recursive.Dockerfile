# source: dockle CIS-DI-0008 / issue 4 (setuid)
# expect-not: DF-010
FROM alpine:3.20
RUN find / -perm /6000 -type f -exec chmod a-s {} \; || true
