import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** The Prisma client that core functions receive; nothing imports a global client. */
export type Db = PrismaClient;
/** A client inside `db.$transaction(async tx => …)`. */
export type Tx = Prisma.TransactionClient;
/** Either: functions that write a single statement accept both. */
export type DbOrTx = Db | Tx;
