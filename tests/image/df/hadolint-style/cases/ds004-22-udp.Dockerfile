# source: Trivy DS-0004 (our reading: sshd listens on TCP; 22/udp is not SSH)
# expect-not: DF-017
FROM alpine:3.13
EXPOSE 22/udp
