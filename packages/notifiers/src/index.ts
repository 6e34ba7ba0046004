// @firstline/notifiers: Slack, OpsGenie and GitHub notifications for Firstline playbooks.
// Nothing is exported yet; see the open issues for what lands here.
export {};
