/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: Jest and Stryker load this folder's config files as they are */
const GROUPS = require("./groups.cjs");

/** The group a name picks, or an error that lists the names there are. */
function groupNamed(name) {
  const group = GROUPS.find((g) => g.name === name);
  if (!group) {
    throw new Error(`MUTATION_GROUP=${JSON.stringify(name ?? "")} names no mutation group; groups: ${GROUPS.map((g) => g.name).join(", ")} (mutation/groups.cjs)`);
  }
  return group;
}

module.exports = { groupNamed };
