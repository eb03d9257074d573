"""The GraphQL Admin API documents Frontdesk sends (field names per https://shopify.dev/docs/api/admin-graphql)."""

PRODUCT_FIELDS = """
fragment ProductFields on Product {
  id
  title
  handle
  status
  description
  tags
  onlineStoreUrl
  featuredMedia { preview { image { url } } }
  priceRangeV2 { minVariantPrice { amount currencyCode } }
  variants(first: 100) {
    nodes {
      id
      title
      sku
      price
      inventoryQuantity
      availableForSale
      selectedOptions { name value }
    }
  }
}
"""

SEARCH_PRODUCTS = PRODUCT_FIELDS + """
query SearchProducts($query: String!, $first: Int!) {
  products(first: $first, query: $query) { nodes { ...ProductFields } }
}
"""

GET_PRODUCT = PRODUCT_FIELDS + """
query GetProduct($id: ID!) {
  product(id: $id) { ...ProductFields }
}
"""

CATALOG_TITLES = """
query CatalogTitles($after: String) {
  products(first: 250, after: $after, query: "status:active") {
    nodes { title }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ORDER_FIELDS = """
fragment OrderFields on Order {
  id
  name
  email
  phone
  createdAt
  cancelledAt
  tags
  displayFinancialStatus
  displayFulfillmentStatus
  statusPageUrl
  totalPriceSet { shopMoney { amount currencyCode } }
  customer { displayName }
  shippingAddress { name address1 address2 city province zip country }
  lineItems(first: 50) {
    nodes { title variantTitle quantity sku originalUnitPriceSet { shopMoney { amount } } }
  }
  fulfillments(first: 10) {
    displayStatus
    trackingInfo(first: 1) { company number url }
  }
}
"""

FIND_ORDER = ORDER_FIELDS + """
query FindOrder($query: String!) {
  orders(first: 5, query: $query) { nodes { ...OrderFields } }
}
"""

GET_ORDER = ORDER_FIELDS + """
query GetOrder($id: ID!) {
  order(id: $id) { ...OrderFields }
}
"""

INVENTORY_ITEM = """
query InventoryItem($id: ID!) {
  inventoryItem(id: $id) {
    id
    variant { id title inventoryQuantity product { id title onlineStoreUrl } }
  }
}
"""

DRAFT_ORDER_CREATE = """
mutation DraftOrderCreate($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id invoiceUrl totalPriceSet { shopMoney { amount currencyCode } } }
    userErrors { field message }
  }
}
"""

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, refund: true, restock: true, notifyCustomer: true,
              staffNote: "Cancelled at the customer's request through Frontdesk") {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

ORDER_UPDATE_ADDRESS = """
mutation OrderUpdate($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id }
    userErrors { field message }
  }
}
"""

TAGS_ADD = """
mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}
"""

SHOP_AND_SCOPES = """
query ShopAndScopes {
  shop { name myshopifyDomain currencyCode }
  currentAppInstallation { accessScopes { handle } }
}
"""
