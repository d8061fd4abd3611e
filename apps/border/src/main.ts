// Agency node of the Border Service of the National Security Committee. One binary, three
// configurations: the agency node is @shekara/agency-node, the same code for every agency (no
// agency-specific code exists); this app only names its agency, which selects its units, keys,
// database and bus subjects.
import { runAgencyNode } from '@shekara/agency-node';

void runAgencyNode('border', process.env);
