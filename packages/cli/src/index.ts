// @firstline/cli: The firstline command: validate, simulate, run and test remediation playbooks.
// Nothing is exported yet; see the open issues for what lands here.
export {};
