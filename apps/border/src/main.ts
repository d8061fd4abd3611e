// Agency node of the Border Service of the National Security Committee: everything common lives in
// @shekara/agency-node; this app only names its agency.
import { runAgencyNode } from '@shekara/agency-node';

void runAgencyNode('border', process.env);
