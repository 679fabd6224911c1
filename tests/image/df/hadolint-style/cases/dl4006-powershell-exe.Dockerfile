# source: hadolint DL4006Spec
# expect-not: DF-025
FROM mcr.microsoft.com/powershell:ubuntu-16.04
SHELL [ "powershell.exe" ]
RUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value
