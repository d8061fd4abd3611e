// Agency node of the internal affairs bodies (migration police). One binary, three configurations: the agency node is
// @shekara/agency-node, the same code for every agency (no agency-specific code exists); this app
// only names its agency, which selects its units, keys, database and bus subjects.
import { runAgencyNode } from '@shekara/agency-node';

void runAgencyNode('interior', process.env);
