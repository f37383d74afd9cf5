// Every scenario, in the order they run. Reads first, then writes, then the gates,
// and the webhook fan-out last so its queue work cannot slow anything else.
import adjust from "./adjust.mjs";
import checkout from "./checkout.mjs";
import checkoutMultiLocation from "./checkout-multi-location.mjs";
import checkoutPay from "./checkout-pay.mjs";
import dispatchReturn from "./dispatch-return.mjs";
import hotSku from "./hot-sku.mjs";
import hotSkuAdjust from "./hot-sku-adjust.mjs";
import inventoryCheck from "./inventory-check.mjs";
import login from "./login.mjs";
import orderRead from "./order-read.mjs";
import oversell from "./oversell.mjs";
import oversellAdjust from "./oversell-adjust.mjs";
import reports from "./reports.mjs";
import search from "./search.mjs";
import storeGet from "./store-get.mjs";
import storeGetMiss from "./store-get-miss.mjs";
import storeList from "./store-list.mjs";
import transfer from "./transfer.mjs";
import webhookFanout from "./webhook-fanout.mjs";

export const scenarios = [
  storeList,
  storeGet,
  storeGetMiss,
  search,
  inventoryCheck,
  orderRead,
  adjust,
  checkout,
  checkoutMultiLocation,
  checkoutPay,
  transfer,
  hotSku,
  hotSkuAdjust,
  oversell,
  oversellAdjust,
  dispatchReturn,
  ...reports,
  login,
  webhookFanout,
];
